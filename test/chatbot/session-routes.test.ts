import assert from 'node:assert/strict';
import { businessStatus } from './inbox-harness.ts';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { chatApi, TestChannel } from './chat-harness.ts';
import { SEED_BODY } from '../helpers/seed-request.ts';

// The session endpoints one by one, on a channel with no robot (an agent-only session asks for
// an agent at once, §9.1): the seed's "send regular message" exactly as documented, and every
// documented error (400 bad input, 404 unknown session, 409 closed, 422 outside the window) in
// the family envelope, and one app never reaching another's sessions.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the wire as it comes
type Json = any;

const SEED_CALL_ID = 'aa2870b1e9da2fe808d690c42feca78e';

describe(`the chatbot session endpoints (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: FastifyInstance;
  let tokenA: string;
  let tokenB: string;
  let appA: number;
  const channel = new TestChannel();

  const post = async (url: string, payload: unknown, token = tokenA) => {
    const r = await api.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    return businessStatus('/api/v1', { status: r.statusCode, json: r.json() as Json });
  };
  const refused = (r: { status: number; json: Json }, code: number, message?: RegExp) => {
    assert.equal(r.status, code, JSON.stringify(r.json));
    assert.deepEqual(Object.keys(r.json), ['request_id', 'code', 'message', 'data']);
    assert.equal(r.json.code, code);
    assert.equal(r.json.data, null);
    if (message) assert.match(r.json.message, message);
  };
  const callbacks = () => receiver.requests.map((r) => JSON.parse(r.body) as Json);
  const text = (t: string) => ({
    call_id: SEED_CALL_ID,
    sender_type: 'agent',
    messages: [{ type: 'text', text: t }],
  });

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer();
    const services = server.runtime.services;
    services.chatbot.addTransport('WhatsApp', channel);
    const a = await services.auth.createApp({ name: 'chat-a', webhookUrl: receiver.url });
    const b = await services.auth.createApp({ name: 'chat-b' });
    appA = a.app.id;
    tokenA = await services.auth.issueToken(a.appKey, a.appSecret);
    tokenB = await services.auth.issueToken(b.appKey, b.appSecret);
    api = await chatApi(services);
    // A user writes to a channel without a robot: the session waits for an agent.
    await services.chatbot.receive({
      appId: appA,
      channel: 'WhatsApp',
      channelId: '6583753709',
      userId: '62895402190807',
      userName: 'nick',
      content: { type: 'text', text: '转人工' },
      sessionId: SEED_CALL_ID,
    });
  });
  after(async () => {
    await api?.close();
    await server?.close();
    await receiver?.close();
  });

  it('an agent-only session asks for an agent at once (§9.1) and lists as transferring', async () => {
    const request = await waitFor('§9.1', () => callbacks().find((b) => b.robot_id !== undefined));
    assert.deepEqual(request, {
      call_id: SEED_CALL_ID,
      channel: 'WhatsApp',
      channel_id: '6583753709',
      user: { id: '62895402190807', name: 'nick' },
      robot_id: '',
      timestamp: request.timestamp,
      queue: 'default',
      variables: {},
      ner_slots: {},
      messages: [
        {
          msg_id: request.messages[0].msg_id,
          sender_type: 'system',
          timestamp: request.timestamp,
          status: 'delivery',
          content: {
            type: 'system',
            system: { type: 'conversation.start', from_seat_id: '', to_seat_id: '' },
          },
        },
        {
          msg_id: request.messages[1].msg_id,
          sender_type: 'user',
          timestamp: request.timestamp,
          status: 'delivery',
          content: { type: 'text', text: '转人工' },
        },
      ],
    });
    const list = await post('/session/list', { status: 'transferring' });
    assert.deepEqual(
      list.json.data.map((s: Json) => s.call_id),
      [SEED_CALL_ID],
    );
    assert.equal((await post('/session/list', { status: 'agent' })).json.data.length, 0);
  });

  it('a failed transfer result clears the request: the session is open again', async () => {
    const r = await post('/session/transfer/result', {
      call_id: SEED_CALL_ID,
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      result: 'failed',
      reason: 'no agent online',
    });
    assert.equal(r.json.code, 200);
    const [s] = (await post('/session/list', {})).json.data;
    assert.equal(s.status, 'open');
  });

  it('answers the seed request exactly as documented', async () => {
    const r = await post('/session/message/send', SEED_BODY);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['request_id', 'code', 'message', 'data']);
    assert.match(r.json.request_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(r.json, {
      request_id: r.json.request_id,
      code: 200,
      message: 'Success',
      data: { msg_id: r.json.data.msg_id },
    });
    assert.match(r.json.data.msg_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(channel.sent.at(-1)?.content, { type: 'text', text: "this's agent" });
    // Writing took the session over.
    const [s] = (await post('/session/list', {})).json.data;
    assert.equal(s.status, 'agent');
  });

  it('sends media, locations and menus; the message list shows them newest first', async () => {
    const sends = [
      { type: 'image', media: { origin_url: 'https://example.com/a.jpg' } },
      { type: 'file', media: { origin_url: 'https://example.com/a.pdf', name: 'a.pdf' } },
      {
        type: 'location',
        location: { latitude: 31.17, longitude: 121.4, name: 'HQ', address: 'x' },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick one' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] },
        },
      },
    ];
    for (const m of sends) {
      const r = await post('/session/message/send', {
        call_id: SEED_CALL_ID,
        sender_type: 'agent_system',
        messages: [m],
      });
      assert.equal(r.json.code, 200, JSON.stringify(r.json));
    }
    const page = await post('/session/messages', { call_id: SEED_CALL_ID, size: 4 });
    assert.deepEqual(
      page.json.data.map((m: Json) => [m.sender_type, m.content.type]),
      [
        ['agent_system', 'interactive'],
        ['agent_system', 'location'],
        ['agent_system', 'file'],
        ['agent_system', 'image'],
      ],
    );
    // The cursor pages backwards from the last message returned.
    const next = await post('/session/messages', {
      call_id: SEED_CALL_ID,
      last_msg_id: page.json.data[3].msg_id,
      size: 1,
    });
    assert.deepEqual(next.json.data[0].content, { type: 'text', text: "this's agent" });
  });

  it('refuses bad agent messages with 400, naming the problem', async () => {
    const two = {
      ...text('a'),
      messages: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
    };
    refused(await post('/session/message/send', two), 400);
    refused(await post('/session/message/send', { ...text('x'), messages: [] }), 400);
    refused(await post('/session/message/send', text('x'.repeat(2097))), 400);
    refused(await post('/session/message/send', { ...text('x'), sender_type: 'robot' }), 400);
    refused(
      await post('/session/message/send', { ...text('x'), messages: [{ type: 'sticker' }] }),
      400,
    );
    refused(
      await post('/session/message/send', { ...text('x'), messages: [{ type: 'text' }] }),
      400,
      /text/,
    );
    refused(
      await post('/session/message/send', { ...text('x'), messages: [{ type: 'image' }] }),
      400,
      /media/,
    );
    refused(
      await post('/session/message/send', {
        ...text('x'),
        messages: [{ type: 'location', location: { latitude: 91, longitude: 0 } }],
      }),
      400,
      /latitude/,
    );
    const fourButtons = {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'b' },
        action: {
          buttons: [1, 2, 3, 4].map((i) => ({
            type: 'reply',
            reply: { id: `${i}`, title: `${i}` },
          })),
        },
      },
    };
    refused(
      await post('/session/message/send', { ...text('x'), messages: [fourButtons] }),
      400,
      /buttons/,
    );
    refused(await post('/session/message/send', '{"call_id": '), 400);
    refused(
      await post('/session/transfer/result', { call_id: SEED_CALL_ID, result: 'success' }),
      400,
      /seat_id/,
    );
    refused(await post('/session/list', { status: 'nonsense' }), 400);
    refused(await post('/session/messages', { call_id: SEED_CALL_ID, size: 0 }), 400);
  });

  it('answers 404 for an unknown session on every endpoint, and for a wrong channel or user', async () => {
    const unknown = 'ffffffffffffffffffffffffffffffff';
    refused(
      await post('/session/message/send', { ...text('x'), call_id: unknown }),
      404,
      /Session not found/,
    );
    refused(await post('/session/messages', { call_id: unknown }), 404);
    refused(await post('/session/message/read', { call_id: unknown }), 404);
    refused(await post('/session/close', { call_id: unknown }), 404);
    refused(await post('/session/reopen', { call_id: unknown }), 404);
    refused(await post('/session/transfer/result', { call_id: unknown, result: 'failed' }), 404);
    refused(await post('/session/message/send', { ...text('x'), channel_id: '999' }), 404);
    refused(await post('/session/message/send', { ...text('x'), user: { id: '1' } }), 404);
  });

  it("one app never reaches another's sessions", async () => {
    const b = (url: string, body: unknown) => post(url, body, tokenB);
    assert.deepEqual((await b('/session/list', {})).json.data, []);
    refused(await b('/session/messages', { call_id: SEED_CALL_ID }), 404);
    refused(await b('/session/message/send', text('x')), 404);
    refused(await b('/session/close', { call_id: SEED_CALL_ID }), 404);
    refused(await b('/session/message/read', { call_id: SEED_CALL_ID }), 404);
    // Nothing reached app A's session from app B.
    const newest = (await post('/session/messages', { call_id: SEED_CALL_ID, size: 1 })).json
      .data[0];
    assert.equal(newest.content.type, 'interactive');
  });

  it('outside the 24-hour window an agent message is refused with 422, never dropped', async () => {
    channel.closedWindows.add('62895402190807');
    try {
      const before = channel.sent.length;
      refused(await post('/session/message/send', text('late')), 422, /24-hour/);
      assert.equal(channel.sent.length, before);
      const newest = (await post('/session/messages', { call_id: SEED_CALL_ID, size: 1 })).json
        .data[0];
      assert.notDeepEqual(newest.content, { type: 'text', text: 'late' });
    } finally {
      channel.closedWindows.delete('62895402190807');
    }
  });

  it('closes through the API (reason api), then 409 on the closed session', async () => {
    const r = await post('/session/close', { call_id: SEED_CALL_ID });
    assert.equal(r.json.code, 200);
    const end = await waitFor('§9.4', () =>
      callbacks().find((b) => b.session_end_reason && !b.messages),
    );
    assert.equal(end.session_end_reason, 'api');
    refused(await post('/session/close', { call_id: SEED_CALL_ID }), 409, /closed/);
    refused(await post('/session/message/send', text('x')), 409);
    refused(
      await post('/session/transfer/result', {
        call_id: SEED_CALL_ID,
        result: 'success',
        seat_id: 's',
      }),
      409,
    );
  });

  it('reopens: 422 outside the window, then to the agent named by seat_id', async () => {
    channel.closedWindows.add('62895402190807');
    refused(await post('/session/reopen', { call_id: SEED_CALL_ID }), 422);
    channel.closedWindows.delete('62895402190807');
    const r = await post('/session/reopen', {
      call_id: SEED_CALL_ID,
      channel_id: '6583753709',
      user: { id: '62895402190807' },
      seat_id: 'seat-9',
    });
    assert.deepEqual(r.json.data, { call_id: SEED_CALL_ID });
    const [s] = (await post('/session/list', {})).json.data;
    assert.equal(s.status, 'agent');
    assert.equal(s.seat_id, 'seat-9');
    const newest = (await post('/session/messages', { call_id: SEED_CALL_ID, size: 1 })).json
      .data[0];
    assert.deepEqual(newest.content.system, {
      type: 'conversation.take_over',
      from_seat_id: '',
      to_seat_id: 'seat-9',
    });
  });
});
