import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IDLE_TIMEOUT_MS } from '../../src/modules/chatbot/chatbot.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { COLLECTION_VARS, TestChannel, userWrites } from './chat-harness.ts';

// How bot sessions end without an agent: the robot's own end (reason robot, its intention and
// slots in the §9.13 report), and 24 hours of silence from the user (reason timeout, on the
// business clock). Both go through the real workers: message.received jobs and the idle timer.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the wire as it comes
type Json = any;

describe(`bot sessions end by the robot or by silence (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let appId: number;
  const clock = new ManualClock(new Date('2026-11-20T03:00:00Z'));
  const channel = new TestChannel();
  const reports = () =>
    receiver.requests
      .map((r) => JSON.parse(r.body) as Json)
      .filter((b) => b.messages && b.session_end_reason);

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ clock });
    const services = server.runtime.services;
    channel.defaultRobot = '4496';
    services.chatbot.addTransport('WhatsApp', channel);
    const created = await services.auth.createApp({
      name: 'chat-end',
      webhookUrl: receiver.url,
      timezone: 'Asia/Jakarta',
    });
    appId = created.app.id;
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  /** The user writes and the bot answers (the turn's messages reached the channel). */
  const turn = async (userId: string, text: string) => {
    const before = channel.sent.length;
    await userWrites(server.store.db, {
      appId,
      userId,
      content: { type: 'text', text },
      at: clock.now().toISOString(),
    });
    await waitFor(`the bot's answer to "${text}"`, () => channel.sent.length > before);
  };

  it("the robot's end closes the session (robot) with its result in the report", async () => {
    const user = '6281234567000';
    // No template: the channel's default robot answers; the variables come from the send.
    await server.runtime.services.chatbot.receive({
      appId,
      channel: 'WhatsApp',
      channelId: '6583753709',
      userId: user,
      content: { type: 'text', text: 'hi' },
      variables: COLLECTION_VARS,
    });
    await turn(user, 'yes, speaking');
    await turn(user, 'hmm');
    await turn(user, 'I can pay next friday');
    const report = await waitFor('§9.13', () => reports().find((b) => b.user.id === user));
    assert.equal(report.session_end_reason, 'robot');
    assert.equal(report.robot_id, '4496');
    assert.equal(report.intention, 'A');
    assert.deepEqual(report.ner_slots, { ptp_date: '2026-11-27' });
    assert.deepEqual(report.event_label, {
      Correct_Person: 'identity_correct_person',
      PTP: 'promise_to_pay',
    });
    assert.equal(report.talk_round, 3);
    assert.equal(report.waba_task_id, '');
    // Times in the app's zone (Jakarta, UTC+7).
    assert.equal(report.session_start_time, '2026-11-20 10:00:00');
    const kinds = report.messages.map((m: Json) => m.content.system?.type ?? m.sender_type);
    assert.deepEqual(kinds.slice(0, 2), ['conversation.start', 'user']);
    assert.equal(kinds.at(-1), 'conversation.close');
    assert.ok(!kinds.includes('conversation.take_over'));
    const end = receiver.requests
      .map((r) => JSON.parse(r.body) as Json)
      .find((b) => b.user?.id === user && !b.messages && b.session_end_reason);
    assert.equal(end?.session_end_reason, 'robot');
    assert.equal(end?.seat_id, '');
  });

  it('a bot session whose user stays silent for 24 hours is closed (timeout)', async () => {
    const user = '6281234567001';
    await server.runtime.services.chatbot.receive({
      appId,
      channel: 'WhatsApp',
      channelId: '6583753709',
      userId: user,
      content: { type: 'text', text: 'hi' },
      variables: COLLECTION_VARS,
    });
    clock.advance(IDLE_TIMEOUT_MS - 60_000);
    await turn(user, 'yes, speaking');
    // One inactivity timer per session, however many messages: it re-arms itself when due.
    const [session] = await server.runtime.services.chatbot.listSessions(appId, { userId: user });
    const [timers] = await server.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE queue = 'chatbot.idle' AND payload->>'call_id' = $1",
      [session!.callId],
    );
    assert.equal(timers!.n, 1);
    // A day after the first message but not after the last: still open.
    clock.advance(120_000);
    const list = await server.runtime.services.chatbot.listSessions(appId, { userId: user });
    assert.equal(list[0]?.wireStatus, 'open');
    clock.advance(IDLE_TIMEOUT_MS);
    const report = await waitFor('the timeout report', () =>
      reports().find((b) => b.user.id === user),
    );
    assert.equal(report.session_end_reason, 'timeout');
    const [s] = await server.runtime.services.chatbot.listSessions(appId, { userId: user });
    assert.equal(s?.wireStatus, 'closed');
    assert.equal(s?.endReason, 'timeout');
  });
});
