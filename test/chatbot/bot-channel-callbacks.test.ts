import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { summaryText } from '../../src/modules/chatbot/bot-channel.wire.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { startSurfacesWith, type SurfacesHarness } from './inbox-harness.ts';

// The core's transfer request (§9.1), end (§9.4) and report (§9.13) as a Huawei or bot channel
// receives them at its callback URL, through the real deliverer: the registered channel_name as
// `channel`, §6.4's `reason` (user_request, flow, fallback) on the transfer request, and §7.5's
// `summary` on a bot channel's report (not on Huawei's: §6 has none).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the wire as it comes
type Json = any;

const USER = { id: '62895402190807', name: 'nick' };

/** 4502 opening with a handoff: the script itself asks for an agent before any question. */
function flowRobot(): RobotDefinition {
  const r = structuredClone(builtinRobots().find((b) => b.robot_id === 4502)!.definition);
  r.name = 'Handoff_First';
  r.start = 'hello';
  r.nodes.hello = { type: 'say', say: 'Hello Budi.', next: 'to_agent' };
  (r.nodes.no_agent as { next: string }).next = 'greeting';
  return r;
}

describe(`Huawei and bot channel callbacks (${storeKind})`, () => {
  let h: SurfacesHarness;
  let receiver: Receiver;
  let flowRobotId = '';

  before(async () => {
    receiver = await startReceiver();
    // No app webhook URL: whatever arrives came to a channel's callback_url.
    h = await startSurfacesWith({ worker: true }, 'variant-callbacks');
    const register = async (kind: string, id: string, body: Record<string, unknown>) => {
      const r = await h.v1('PUT', `/v1/chatbot/bot-channels/${kind}/${id}`, {
        callback_url: receiver.url,
        ...body,
      });
      assert.equal(r.status, 200, r.text);
    };
    await register('bot', 'wa-bot', { channel_name: 'WhatsApp', robot_id: '4502' });
    await register('bot', 'agents-only', { channel_name: 'Line', robot_id: null });
    await register('huawei', 'hwbcauat', { robot_id: '4502' });
    const saved = await h.services.robots.save(h.appIds[0]!, flowRobot());
    flowRobotId = String(saved.robot.id);
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  const received = () => receiver.requests.map((r) => JSON.parse(r.body) as Json);
  const transferRequest = (callId: string) =>
    waitFor(`the transfer request of ${callId}`, () =>
      received().find((b) => b.call_id === callId && 'queue' in b),
    );
  const sessionEnd = (callId: string) =>
    waitFor(`the end of ${callId}`, () =>
      received().find((b) => b.call_id === callId && b.status === 'closed' && !('messages' in b)),
    );
  const report = (callId: string) =>
    waitFor(`the report of ${callId}`, () =>
      received().find((b) => b.call_id === callId && 'session_start_time' in b),
    );
  const botReply = (callId: string) =>
    waitFor(`a bot reply of ${callId}`, () =>
      received().find((b) => b.call_id === callId && b.messages?.[0]?.sender_type === 'robot'),
    );
  const send = async (kind: 'bot' | 'huawei', body: Record<string, unknown>) => {
    const r = await h.api(`/api/v1/channel/${kind}/message`, body);
    assert.equal(r.status, 200, r.text);
  };
  const close = async (callId: string) => {
    const r = await h.api('/api/v1/session/close', { call_id: callId });
    assert.equal(r.status, 200, r.text);
  };

  it('a choice asking for an agent: reason user_request, channel_name, summary on the report', async () => {
    const callId = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
    const address = { call_id: callId, channel: 'WhatsApp', channel_id: 'wa-bot', user: USER };
    await send('bot', { ...address, messages: [{ type: 'text', text: 'hi' }] });
    // The seeded robot's choices, in its author's order, as a list; the user taps one.
    const list = await waitFor('the menu', () =>
      received()
        .filter((b) => b.call_id === callId)
        .map((b) => b.messages?.[0]?.content?.interactive)
        .find((i) => i?.type === 'list'),
    );
    const rows = list.action.sections[0].rows as Array<{ id: string; title: string }>;
    assert.deepEqual(
      rows.map((r) => r.title),
      ['Pay today', 'Promise a date', 'Talk to an agent', 'Stop messages'],
    );
    const agentRow = rows[2]!;
    await send('bot', {
      ...address,
      messages: [
        {
          type: 'interactive',
          interactive: {
            type: 'list_reply',
            list_reply: { id: agentRow.id, title: agentRow.title },
          },
        },
      ],
    });

    const transfer = await transferRequest(callId);
    assert.equal(transfer.channel, 'WhatsApp');
    assert.equal(transfer.reason, 'user_request');
    assert.equal(transfer.queue, 'collections');
    assert.equal(transfer.robot_id, '4502');
    assert.equal(transfer.channel_id, 'wa-bot');
    assert.deepEqual(transfer.user, USER);
    const asked = transfer.messages.find((m: Json) => m.sender_type === 'user' && m.reply);
    assert.deepEqual(asked.content, { type: 'interactive', text: 'Talk to an agent' });

    await close(callId);
    const end = await sessionEnd(callId);
    assert.equal(typeof end.timestamp, 'number');
    assert.deepEqual(
      { ...end, timestamp: 0 },
      {
        call_id: callId,
        channel: 'WhatsApp',
        channel_id: 'wa-bot',
        user: { id: USER.id },
        seat_id: '',
        status: 'closed',
        session_end_reason: 'api',
        timestamp: 0,
      },
    );
    const summary = await report(callId);
    assert.equal(summary.channel, 'WhatsApp');
    assert.equal(summary.robot_id, '4502');
    const { summary: text, ...plain } = summary;
    assert.equal(text, summaryText(plain));
    assert.match(text, /^2 user message\(s\), \d+ bot message\(s\), 0 agent message\(s\)/);
  });

  it("the script's own handoff node, reached before any answer: reason flow", async () => {
    const callId = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';
    await send('bot', {
      call_id: callId,
      channel: 'WhatsApp',
      channel_id: 'wa-bot',
      robot_id: flowRobotId,
      user: USER,
      messages: [{ type: 'text', text: 'hi' }],
    });
    const transfer = await transferRequest(callId);
    assert.equal(transfer.reason, 'flow');
    assert.equal(transfer.robot_id, flowRobotId);
    assert.equal(transfer.channel, 'WhatsApp');
  });

  it('a channel without a robot: reason fallback, under its own channel_name', async () => {
    const callId = 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3';
    await send('bot', {
      call_id: callId,
      channel: 'Line',
      channel_id: 'agents-only',
      user: USER,
      messages: [{ type: 'text', text: 'hello?' }],
    });
    const transfer = await transferRequest(callId);
    assert.equal(transfer.reason, 'fallback');
    assert.equal(transfer.channel, 'Line');
    assert.equal(transfer.robot_id, '');
  });

  it('Huawei: a handoff phrase is user_request; channel HuaWei; no summary on the report', async () => {
    const callId = 'netinfo session 4';
    const address = { call_id: callId, channel: 'HuaWei', channel_id: 'hwbcauat', user: USER };
    await send('huawei', { ...address, messages: [{ type: 'text', text: 'hi' }] });
    await botReply(callId);
    await send('huawei', { ...address, messages: [{ type: 'text', text: 'agent please' }] });
    const transfer = await transferRequest(callId);
    assert.equal(transfer.reason, 'user_request');
    assert.equal(transfer.channel, 'HuaWei');
    await close(callId);
    assert.equal((await sessionEnd(callId)).channel, 'HuaWei');
    const huaweiReport = await report(callId);
    assert.equal(huaweiReport.channel, 'HuaWei');
    assert.equal('summary' in huaweiReport, false);
    assert.equal('reason' in huaweiReport, false);
  });
});
