import assert from 'node:assert/strict';
import { businessStatus } from './inbox-harness.ts';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import {
  chatApi,
  COLLECTION_VARS,
  statusChanges,
  TestChannel,
  userWrites,
} from './chat-harness.ts';

// The whole life of a WhatsApp chatbot session through the real server, its workers and its
// webhook deliverer: a template answer opens it, the bot answers, the integrator hands it to an
// agent, the user's messages go to the integrator (§9.3), the agent writes (§9.9) and its
// message's status is called back (§9.2), the agent closes it (§9.4, §9.13), and the user's next
// message goes back to the bot.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the wire as it comes
type Json = any;

const HEX32 = /^[0-9a-f]{32}$/;
const TEMPLATE_MSG_ID = '63728985927918sh859hg78g';
const WABA_TASK_ID = '602ff2fc65e5aaaaaaaaaa9b4ee9736e';
const SEAT = 'seat-7';

describe(`a chatbot session from template answer to report (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: FastifyInstance;
  let token: string;
  let appId: number;
  const channel = new TestChannel();
  let callId: string;

  const post = async (url: string, payload: unknown) => {
    const r = await api.inject({
      method: 'POST',
      url,
      headers: { authorization: `Token ${token}` },
      payload: payload as object,
    });
    return businessStatus('/api/v1', { status: r.statusCode, json: r.json() as Json });
  };
  const callbacks = () => receiver.requests.map((r) => JSON.parse(r.body) as Json);
  const callbackWith = (what: string, test: (b: Json) => boolean) =>
    waitFor(what, () => callbacks().find(test));
  const messages = async () => {
    const r = await post('/api/v1/session/messages', {
      call_id: callId,
      last_msg_id: '',
      size: 100,
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.data as Array<Json>;
  };

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer();
    const services = server.runtime.services;
    services.chatbot.addTransport('WhatsApp', channel);
    const created = await services.auth.createApp({ name: 'chat', webhookUrl: receiver.url });
    appId = created.app.id;
    token = await services.auth.issueToken(created.appKey, created.appSecret);
    api = await chatApi(services);
  });
  after(async () => {
    await api?.close();
    await server?.close();
    await receiver?.close();
  });

  it('a template answer opens a session: start, the template, the tap, then the bot', async () => {
    await userWrites(server.store.db, {
      appId,
      content: { type: 'button', button: { text: 'yes' } },
      template: {
        wabaTaskId: WABA_TASK_ID,
        templateMsgId: TEMPLATE_MSG_ID,
        templateId: 35,
        templateName: 'opt_out_02_27_english',
        robotId: '4496',
        variables: COLLECTION_VARS,
        custom: null,
      },
    });
    const sent = await waitFor('the bot opening', () => channel.sent[0]);
    callId = sent.sessionId;
    assert.match(callId, HEX32);
    // The transport is called inside the turn's transaction: the session is readable once it
    // commits, a moment later.
    const list = await waitFor('the session, committed', async () => {
      const r = await post('/api/v1/session/messages', {
        call_id: callId,
        last_msg_id: '',
        size: 100,
      });
      return r.status === 200 ? (r.json.data as Array<Json>) : undefined;
    });
    const oldestFirst = [...list].reverse();
    assert.deepEqual(
      oldestFirst.slice(0, 3).map((m) => [m.sender_type, m.content.type]),
      [
        ['system', 'system'],
        ['chatbot', 'template'],
        ['user', 'button'],
      ],
    );
    assert.deepEqual(oldestFirst[0]!.content.system, {
      type: 'conversation.start',
      from_seat_id: '',
      to_seat_id: '',
    });
    assert.equal(oldestFirst[1]!.msg_id, TEMPLATE_MSG_ID);
    assert.deepEqual(oldestFirst[1]!.content.template.info, {
      id: 35,
      name: 'opt_out_02_27_english',
      language: '',
    });
    // The tap quotes the template, flattened in the message list (§5.9).
    assert.equal(oldestFirst[2]!.reply.msg_id, TEMPLATE_MSG_ID);
    assert.equal(oldestFirst[2]!.reply.type, 'template');
    const robot = oldestFirst.slice(3);
    assert.ok(robot.length >= 1);
    for (const [i, m] of robot.entries()) {
      assert.equal(m.sender_type, 'robot');
      assert.match(m.msg_id, new RegExp(`^[0-9a-f]{32}-${i}$`));
    }
    assert.deepEqual(
      channel.sentTo(callId).map((s) => s.id),
      robot.map((m) => m.msg_id),
    );
    assert.match(robot.map((m) => m.content.text).join(' '), /Budi Santoso/);
  });

  it('lists the session as open with the bot, its start time in the app zone', async () => {
    const r = await post('/api/v1/session/list', {
      channel_id: '6583753709',
      last_call_id: '',
      size: 20,
    });
    assert.equal(r.status, 200);
    const [s] = r.json.data;
    assert.equal(s.call_id, callId);
    assert.equal(s.status, 'open');
    assert.equal(s.robot_id, '4496');
    assert.deepEqual(s.user, { id: '62895402190807', name: 'nick' });
    assert.match(s.session_start_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(s.session_end_time, '');
    assert.equal(s.unread, 1);
  });

  it('the bot answers the user in turn', async () => {
    const before = channel.sentTo(callId).length;
    await userWrites(server.store.db, { appId, content: { type: 'text', text: 'yes, speaking' } });
    await waitFor('the bot reply', () => channel.sentTo(callId).length > before);
    const [newest] = await messages();
    assert.equal(newest!.sender_type, 'robot');
  });

  it('a successful transfer result hands the session to the agent and silences the bot', async () => {
    const r = await post('/api/v1/session/transfer/result', {
      call_id: callId,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      result: 'success',
      seat_id: SEAT,
    });
    assert.deepEqual(r.json, {
      request_id: r.json.request_id,
      code: 200,
      message: 'Success',
      data: {},
    });
    const [newest] = await messages();
    assert.deepEqual(newest!.content, {
      type: 'system',
      system: { type: 'conversation.take_over', from_seat_id: '', to_seat_id: SEAT },
    });
    // The integrator's retry changes nothing; another seat is refused.
    const again = await post('/api/v1/session/transfer/result', {
      call_id: callId,
      result: 'success',
      seat_id: SEAT,
    });
    assert.equal(again.json.code, 200);
    assert.equal((await messages())[0]!.msg_id, newest!.msg_id);
    const other = await post('/api/v1/session/transfer/result', {
      call_id: callId,
      result: 'success',
      seat_id: 'seat-8',
    });
    assert.equal(other.json.code, 400);
    const list = await post('/api/v1/session/list', { user_id: '62895402190807' });
    assert.equal(list.json.data[0].status, 'agent');
    assert.equal(list.json.data[0].seat_id, SEAT);

    const botLines = channel.sentTo(callId).length;
    const userMsg = await userWrites(server.store.db, {
      appId,
      content: { type: 'text', text: 'hmm' },
    });
    const relayed = await callbackWith(
      'the §9.3 callback',
      (b) => b.messages?.[0]?.msg_id === userMsg,
    );
    assert.deepEqual(relayed, {
      call_id: callId,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807', name: 'nick' },
      seat_id: SEAT,
      messages: [
        {
          msg_id: userMsg,
          sender_type: 'user',
          timestamp: relayed.messages[0].timestamp,
          status: 'delivery',
          content: { type: 'text', text: 'hmm' },
        },
      ],
    });
    // The user's message is stored before its callback is written: the bot said nothing to it.
    assert.equal(channel.sentTo(callId).length, botLines);
    const [newest2] = await messages();
    assert.equal(newest2!.msg_id, userMsg);
  });

  it('an agent message is sent and answered with its msg_id; its status is called back', async () => {
    const r = await post('/api/v1/session/message/send', {
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      call_id: callId,
      sender_type: 'agent',
      messages: [{ type: 'text', text: "this's agent" }],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['request_id', 'code', 'message', 'data']);
    assert.match(r.json.request_id, HEX32);
    assert.equal(r.json.code, 200);
    assert.equal(r.json.message, 'Success');
    const msgId = r.json.data.msg_id;
    assert.match(msgId, HEX32);
    assert.deepEqual(channel.sent.at(-1), {
      sessionId: callId,
      id: msgId,
      senderType: 'agent',
      content: { type: 'text', text: "this's agent" },
    });
    await statusChanges(server.store.db, {
      appId,
      messageId: msgId,
      status: 'read',
      conversationId: callId,
    });
    const status = await callbackWith('the §9.2 callback', (b) => b.msg_id === msgId);
    assert.deepEqual(status, {
      call_id: callId,
      msg_id: msgId,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      status: 'read',
      timestamp: status.timestamp,
      error_code: '',
      error_message: '',
    });
    const stored = (await messages()).find((m) => m.msg_id === msgId);
    assert.equal(stored!.status, 'read');
    assert.equal(stored!.seat_id, SEAT);
  });

  it('marks the user messages read', async () => {
    const r = await post('/api/v1/session/message/read', { call_id: callId });
    assert.equal(r.json.code, 200);
    const users = (await messages()).filter((m) => m.sender_type === 'user');
    assert.ok(users.every((m) => m.status === 'read'));
    assert.ok(users.every((m) => channel.read.includes(m.msg_id)));
    const list = await post('/api/v1/session/list', { user_id: '62895402190807' });
    assert.equal(list.json.data[0].unread, 0);
  });

  it('the agent closes it: conversation.close, §9.4, then the §9.13 report', async () => {
    const r = await post('/api/v1/session/close', {
      call_id: callId,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      sender_type: 'agent',
    });
    assert.equal(r.json.code, 200);
    const end = await callbackWith(
      '§9.4',
      (b) => b.call_id === callId && !b.messages && b.session_end_reason,
    );
    assert.deepEqual(end, {
      call_id: callId,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      seat_id: SEAT,
      status: 'closed',
      session_end_reason: 'agent',
      timestamp: end.timestamp,
    });
    const report = await callbackWith(
      '§9.13',
      (b) => b.call_id === callId && b.session_end_reason && b.messages,
    );
    // The outbox stores payloads as jsonb, which keeps the keys but not their order.
    assert.deepEqual(Object.keys(report).sort(), [
      'call_id',
      'channel',
      'channel_id',
      'event_label',
      'intention',
      'messages',
      'ner_slots',
      'robot_id',
      'session_end_reason',
      'session_end_time',
      'session_start_time',
      'status',
      'talk_round',
      'template_msg_id',
      'user',
      'variables',
      'waba_task_id',
    ]);
    assert.equal(report.robot_id, '4496');
    assert.equal(report.waba_task_id, WABA_TASK_ID);
    assert.equal(report.template_msg_id, TEMPLATE_MSG_ID);
    assert.equal(report.status, 'closed');
    assert.equal(report.session_end_reason, 'agent');
    assert.match(report.session_end_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(report.variables, COLLECTION_VARS);
    assert.equal(typeof report.intention, 'string');
    assert.ok(report.talk_round >= 1);
    const kinds = report.messages.map((m: Json) =>
      m.content.type === 'system' ? m.content.system.type : m.sender_type,
    );
    assert.equal(kinds[0], 'conversation.start');
    assert.equal(kinds[1], 'chatbot');
    assert.equal(kinds.at(-1), 'conversation.close');
    assert.ok(kinds.includes('conversation.take_over'));
    assert.ok(kinds.includes('agent'));
    // Callback shape of §5.9: the tap quotes the template in full.
    const tap = report.messages[2];
    assert.deepEqual(Object.keys(tap).sort(), [
      'content',
      'msg_id',
      'reply',
      'sender_type',
      'status',
      'timestamp',
    ]);
    assert.equal(tap.reply.msg_id, TEMPLATE_MSG_ID);
    assert.equal(tap.reply.sender_type, 'chatbot');
    assert.equal(tap.reply.content.type, 'template');
    // The §9.4 event was recorded before the report, in the session's delivery order.
    const order = callbacks().filter((b) => b.call_id === callId && b.status === 'closed');
    assert.ok(order[0]!.messages === undefined && order[1]!.messages !== undefined);
  });

  it('a closed session refuses agent messages and a second close (409)', async () => {
    const send = await post('/api/v1/session/message/send', {
      call_id: callId,
      sender_type: 'agent',
      messages: [{ type: 'text', text: 'still there?' }],
    });
    assert.equal(send.status, 409);
    assert.equal(send.json.code, 409);
    assert.equal(send.json.data, null);
    const close = await post('/api/v1/session/close', { call_id: callId });
    assert.equal(close.json.code, 409);
  });

  it("the user's next message goes back to the bot, not to the agent", async () => {
    const before = channel.sentTo(callId).length;
    const relayedBefore = callbacks().filter((b) => b.seat_id !== undefined && b.messages).length;
    const msg = await userWrites(server.store.db, {
      appId,
      content: { type: 'text', text: 'hello again' },
    });
    await waitFor('the bot opening again', () => channel.sentTo(callId).length > before);
    const list = await post('/api/v1/session/list', { user_id: '62895402190807' });
    assert.equal(list.json.data[0].call_id, callId);
    assert.equal(list.json.data[0].status, 'open');
    assert.equal(list.json.data[0].seat_id, '');
    const recent = (await messages()).slice(0, 10).reverse();
    const at = recent.findIndex((m) => m.msg_id === msg);
    assert.equal(recent[at - 1]!.content.system?.type, 'conversation.start');
    assert.ok(recent.slice(at + 1).every((m) => m.sender_type === 'robot'));
    assert.equal(
      callbacks().filter((b) => b.seat_id !== undefined && b.messages).length,
      relayedBefore,
      'no §9.3 callback',
    );
  });
});
