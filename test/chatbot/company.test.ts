import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publish } from '../../src/queue/domain-events.ts';
import { MESSAGE_STATUS_CHANGED } from '../../src/modules/messaging/messaging-events.ts';
import { storeKind } from '../helpers/db.ts';
import { startSurfaces, type SurfacesHarness } from './inbox-harness.ts';

// The company endpoints (spec/chatbot-api.md §10.1, §10.5) and the event reports (§10.2–§10.4)
// on the real server. Messages come through the bot channel (the messaging module's channels
// join when it is merged); a delivery status is published as the messaging module publishes it.

const CALLBACK = 'http://127.0.0.1:9/cb';
const REPORTS = 'http://127.0.0.1:9/reports';

describe(`company endpoints and event reports (${storeKind})`, () => {
  let h: SurfacesHarness;
  before(async () => {
    h = await startSurfaces('acme', 'other-co');
    for (const [kind, id, extra] of [
      ['huawei', 'hwbcauat', {}],
      ['bot', 'sicepat_whatsapp', { channel_name: 'WhatsApp', robot_id: '4497' }],
    ] as const) {
      const r = await h.v1('PUT', `/v1/chatbot/bot-channels/${kind}/${id}`, {
        callback_url: CALLBACK,
        ...extra,
      });
      assert.equal(r.status, 200, r.text);
    }
  });
  after(() => h.close());

  const write = async (callId: string, text: string, token?: string) => {
    const r = await h.api(
      '/api/v1/channel/bot/message',
      {
        call_id: callId,
        channel: 'WhatsApp',
        channel_id: 'sicepat_whatsapp',
        user: { id: '123', name: 'nick' },
        messages: [{ type: 'text', text }],
      },
      token ? { token } : {},
    );
    assert.equal(r.status, 200, r.text);
  };

  it('§10.1 lists the channels of the company (the app)', async () => {
    const r = await h.api('/api/v1/company/channels', { company: 'test' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    assert.deepEqual(r.json.data, [
      {
        channel: 'WhatsApp',
        channel_id: 'sicepat_whatsapp',
        name: 'sicepat_whatsapp',
        phone_number: '',
        status: 'CONNECTED',
      },
      {
        channel: 'HuaWei',
        channel_id: 'hwbcauat',
        name: 'hwbcauat',
        phone_number: '',
        status: 'CONNECTED',
      },
    ]);
    const other = await h.api('/api/v1/company/channels', {}, { token: h.tokens[1]! });
    assert.deepEqual(other.json.data, []);
    const bad = await h.api('/api/v1/company/channels', { company: { name: 'x' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 400);
  });

  it('§10.5 answers the company with its name, channels and zone', async () => {
    const r = await h.api('/api/v1/company/info', {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.company, 'acme');
    assert.equal(r.json.data.name, 'acme');
    assert.equal(r.json.data.timezone, 'Asia/Jakarta');
    assert.equal(r.json.data.channels.length, 2);
  });

  it('sends no event report until the app switches them on', async () => {
    const off = await h.v1('GET', '/v1/chatbot/event-reports');
    assert.deepEqual(off.json.data, { enabled: false, url: null, update_time: null });
    await write('quiet-1', 'hello');
    assert.equal((await h.events('report.message.receive')).length, 0);
    assert.equal((await h.events('report.message.send')).length, 0);
    const bad = await h.v1('PUT', '/v1/chatbot/event-reports', { enabled: true, url: 'nope' });
    assert.equal(bad.status, 400);
    const missing = await h.v1('PUT', '/v1/chatbot/event-reports', { url: REPORTS });
    assert.equal(missing.status, 400);
    assert.equal((await h.v1('GET', '/v1/chatbot/event-reports')).json.data.enabled, false);
  });

  it('§10.2 and §10.3: each message a person writes and the channel sends, in its shape', async () => {
    const on = await h.v1('PUT', '/v1/chatbot/event-reports', { enabled: true, url: REPORTS });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.data.enabled, true);
    assert.equal(on.json.data.url, REPORTS);
    await write('report-1', 'hi');
    const [received] = (await h.events('report.message.receive', h.appIds[0])).filter(
      (e) => e.subject_id === 'report-1',
    );
    assert.ok(received, 'message.receive written');
    const { messages, ...head } = received.payload;
    assert.deepEqual(head, {
      event: 'message.receive',
      call_id: 'report-1',
      company: 'acme',
      channel: 'chatbot',
      channel_type: 'bot',
      channel_id: 'sicepat_whatsapp',
      user: { id: '123', name: 'nick' },
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0].msg_id, /^[0-9a-f]{32}$/);
    assert.equal(messages[0].sender_type, 'user');
    assert.equal(typeof messages[0].timestamp, 'number');
    assert.deepEqual(messages[0].content, { type: 'text', text: 'hi' });
    const sent = (await h.events('report.message.send', h.appIds[0])).filter(
      (e) => e.subject_id === 'report-1',
    );
    assert.ok(sent.length > 0, 'the bot answered and it was reported');
    for (const e of sent) {
      assert.equal(e.payload.event, 'message.send');
      assert.equal(e.payload.messages[0].sender_type, 'robot');
    }
    // System events (conversation.start) are not channel messages.
    const all = [
      ...(await h.events('report.message.send')),
      ...(await h.events('report.message.receive')),
    ];
    assert.ok(all.every((e) => e.payload.messages[0].sender_type !== 'system'));
  });

  it("§10.4: a status change of a session's message is reported; other messages are not", async () => {
    const [robot] = await h.server.store.db.query<{ id: string }>(
      `SELECT id FROM chat_messages WHERE session_id = 'report-1' AND sender_type = 'robot'
       ORDER BY seq LIMIT 1`,
    );
    assert.ok(robot);
    const change = (messageId: string, conversationId: string | null) => ({
      appId: h.appIds[0]!,
      channelId: 'sicepat_whatsapp',
      userId: '123',
      messageId,
      status: 'delivered' as const,
      at: '2026-12-03T10:00:05.000Z',
      errorCode: null,
      errorMessage: null,
      conversationId,
      wabaTaskId: null,
    });
    await h.server.store.db.transaction(async (tx) => {
      await publish(
        tx,
        MESSAGE_STATUS_CHANGED,
        [
          { id: `${robot.id}:delivered`, data: change(robot.id, 'report-1') },
          { id: 'tpl:delivered', data: change('0123456789abcdef0123456789abcdef', null) },
          { id: 'stray:delivered', data: change('fedcba9876543210fedcba9876543210', 'report-1') },
        ],
        new Date('2026-12-03T10:00:05Z'),
      );
    });
    const statuses = await h.events('report.message.status', h.appIds[0]);
    assert.equal(statuses.length, 1);
    assert.deepEqual(statuses[0]!.payload, {
      event: 'message.status',
      call_id: 'report-1',
      company: 'acme',
      channel: 'chatbot',
      channel_type: 'bot',
      channel_id: 'sicepat_whatsapp',
      user: { id: '123' },
      msg_id: robot.id,
      status: 'delivery',
      timestamp: Math.floor(Date.parse('2026-12-03T10:00:05Z') / 1000),
      error_code: '',
      error_message: '',
    });
  });

  it("keeps apps apart: another app's settings and reports are its own", async () => {
    const other = h.tokens[1]!;
    assert.equal(
      (await h.v1('GET', '/v1/chatbot/event-reports', undefined, other)).json.data.enabled,
      false,
    );
    assert.equal((await h.events('report.message.receive', h.appIds[1])).length, 0);
    const foreign = await h.api(
      '/api/v1/channel/bot/message',
      {
        call_id: 'x-1',
        channel: 'WhatsApp',
        channel_id: 'sicepat_whatsapp',
        user: { id: '9' },
        messages: [{ type: 'text', text: 'hi' }],
      },
      { token: other },
    );
    assert.equal(foreign.status, 404, 'the other app has no such channel');
  });
});
