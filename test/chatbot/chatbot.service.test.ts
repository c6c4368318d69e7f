import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatbotService } from '../../src/modules/chatbot/chatbot.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { AppError } from '../../src/shared/errors.ts';
import { newId } from '../../src/shared/ids.ts';
import { storeKind } from '../helpers/db.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { COLLECTION_VARS, TestChannel } from './chat-harness.ts';

// ChatbotService's rules that the HTTP tests do not reach: a redelivered message is handled
// once, two first messages of one user start one session, a channel's own session id stays its
// app's, and the agent-side moves (take over, assign, snooze and wake, release to the bot).

describe(`ChatbotService (${storeKind})`, () => {
  let server: TestServer;
  let chatbot: ChatbotService;
  let appId: number;
  let otherApp: number;
  const clock = new ManualClock(new Date('2026-11-20T03:00:00Z'));
  const channel = new TestChannel();
  let n = 0;

  const write = (
    userId: string,
    text: string,
    extra: { messageId?: string; sessionId?: string; app?: number } = {},
  ) =>
    chatbot.receive({
      appId: extra.app ?? appId,
      channel: 'WhatsApp',
      channelId: '6583753709',
      userId,
      content: { type: 'text', text },
      variables: COLLECTION_VARS,
      ...(extra.messageId ? { messageId: extra.messageId } : {}),
      ...(extra.sessionId ? { sessionId: extra.sessionId } : {}),
    });
  const newUser = () => `62800000000${String(++n).padStart(2, '0')}`;
  const transcript = async (callId: string) =>
    (await chatbot.listMessages(appId, { callId, size: 100 })).reverse();

  before(async () => {
    server = await startTestServer({ clock });
    chatbot = server.runtime.services.chatbot;
    channel.defaultRobot = '4496';
    chatbot.addTransport('WhatsApp', channel);
    appId = (await server.runtime.services.auth.createApp({ name: 'svc' })).app.id;
    otherApp = (await server.runtime.services.auth.createApp({ name: 'svc-other' })).app.id;
  });
  after(() => server?.close());

  it('handles a redelivered message once', async () => {
    const user = newUser();
    const messageId = newId();
    const first = await write(user, 'hi', { messageId });
    const sent = channel.sentTo(first.sessionId).length;
    const again = await write(user, 'hi', { messageId });
    assert.deepEqual(again, first);
    const users = (await transcript(first.sessionId)).filter((m) => m.senderType === 'user');
    assert.equal(users.length, 1);
    assert.equal(channel.sentTo(first.sessionId).length, sent);
  });

  it("starts one session for a user's two first messages at once", async () => {
    const user = newUser();
    const [a, b] = await Promise.all([write(user, 'hello'), write(user, 'anyone?')]);
    assert.equal(a.sessionId, b.sessionId);
    const sessions = await chatbot.listSessions(appId, { userId: user });
    assert.equal(sessions.length, 1);
    const users = (await transcript(a.sessionId)).filter((m) => m.senderType === 'user');
    assert.equal(users.length, 2);
  });

  it("keeps a channel's own session id to the app that has it", async () => {
    const sessionId = `huawei-${newId()}`;
    await write(newUser(), 'hi', { sessionId });
    await assert.rejects(
      write(newUser(), 'hi', { sessionId, app: otherApp }),
      (e: unknown) => e instanceof AppError && e.key === 'bad_request',
    );
    assert.deepEqual(await chatbot.listSessions(otherApp, {}), []);
  });

  it('take over, assign, release: seats in the system messages, the bot back at the end', async () => {
    const { sessionId: callId } = await write(newUser(), 'hi');
    await chatbot.takeOver(appId, { callId, seatId: 'anna' });
    await chatbot.assign(appId, { callId, seatId: 'ben', queue: 'billing' });
    const seats = (await transcript(callId))
      .filter((m) => m.content.type === 'system')
      .map((m) => (m.content.type === 'system' ? m.content.system : undefined));
    assert.deepEqual(seats.slice(1), [
      { type: 'conversation.take_over', from_seat_id: '', to_seat_id: 'anna' },
      { type: 'conversation.take_over', from_seat_id: 'anna', to_seat_id: 'ben' },
    ]);
    const held = await chatbot.getSession(appId, callId);
    assert.deepEqual([held.wireStatus, held.seatId, held.queue], ['agent', 'ben', 'billing']);
    const before = channel.sentTo(callId).length;
    await chatbot.release(appId, { callId });
    const released = await chatbot.getSession(appId, callId);
    assert.deepEqual([released.wireStatus, released.seatId], ['open', '']);
    // The robot asks its question again.
    assert.ok(channel.sentTo(callId).length > before);
    assert.equal(channel.sentTo(callId).at(-1)?.senderType, 'robot');
  });

  it('a snoozed session wakes at its time, or at the next user message', async () => {
    const user = newUser();
    const { sessionId: callId } = await write(user, 'hi');
    await chatbot.takeOver(appId, { callId, seatId: 'anna' });
    await chatbot.snooze(appId, { callId, until: new Date(clock.now().getTime() + 3_600_000) });
    assert.equal((await chatbot.getSession(appId, callId)).status, 'snoozed');
    clock.advance(3_600_000);
    await waitFor(
      'the wake job',
      async () => (await chatbot.getSession(appId, callId)).status === 'open',
    );

    await chatbot.snooze(appId, { callId });
    await write(user, 'hello?');
    const s = await chatbot.getSession(appId, callId);
    assert.deepEqual([s.status, s.seatId, s.unread], ['open', 'anna', 2]);
  });

  it('refuses to snooze a session the bot owns, and an agent cannot take one another holds', async () => {
    const { sessionId: callId } = await write(newUser(), 'hi');
    await assert.rejects(
      chatbot.snooze(appId, { callId }),
      (e: unknown) => e instanceof AppError && e.key === 'bad_request',
    );
    await chatbot.takeOver(appId, { callId, seatId: 'anna' });
    await assert.rejects(
      chatbot.takeOver(appId, { callId, seatId: 'ben' }),
      (e: unknown) => e instanceof AppError && e.key === 'bad_request',
    );
  });
});
