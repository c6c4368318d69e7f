import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels, waConfig, wabaApp } from './harness.ts';

// The WABA endpoints of spec/chatbot-api.md §8 over HTTP, with the real server's sender sending
// through a provider-edge fake: answers, every documented error in the request_id envelope, the
// §8.6 callbacks in the outbox, and one app never seeing another's channels.

const CHANNEL = '6583753709';
const CONTENT = {
  header: { type: 'image' as const, media: { origin_url: 'https://example.com/eiffel.jpg' } },
  body: 'Hi, {{1}}, we will hold a party from {{2}}, welcome to join us',
  footer: 'welcome',
  button: [
    { type: 'QUICK_REPLY' as const, text: 'no' },
    { type: 'OPT_OUT' as const, text: 'yes' },
  ],
};

describe(`WABA endpoints (${storeKind})`, () => {
  let server: TestServer;
  let api: FastifyInstance;
  let token: string;
  let otherToken: string;
  let appId: number;
  let approved: number;
  let pending: number;
  const fakes = fakeChannels();

  before(async () => {
    server = await startTestServer({ channels: fakes.factory });
    const { auth, messaging } = server.runtime.services;
    const a = await auth.createApp({ name: 'waba-a', timezone: 'UTC' });
    const b = await auth.createApp({ name: 'waba-b', timezone: 'UTC' });
    appId = a.app.id;
    token = await tokenFor(server.url, a.appKey, a.appSecret);
    otherToken = await tokenFor(server.url, b.appKey, b.appSecret);
    await messaging.createChannel(appId, {
      channelId: CHANNEL,
      kind: 'whatsapp',
      name: 'AIRudder Demo',
      phoneNumber: '+6583753709',
      config: waConfig('pn-a'),
    });
    await messaging.createChannel(appId, {
      channelId: 'sms-a',
      kind: 'sms',
      name: 'SMS',
      phoneNumber: '+6580000001',
      config: { url: 'smpp://127.0.0.1:2775', systemId: 'a', password: 'p' },
    });
    await messaging.createChannel(b.app.id, {
      channelId: 'b-only',
      kind: 'whatsapp',
      name: 'Other',
      phoneNumber: '+6583753710',
      config: waConfig('pn-b'),
    });
    approved = (
      await messaging.createTemplate(appId, CHANNEL, {
        name: 'opt_out_02_27_english',
        language: 'en',
        category: 'MARKETING',
        status: 'APPROVED',
        content: CONTENT,
      })
    ).id;
    pending = (
      await messaging.createTemplate(appId, CHANNEL, {
        name: 'waiting_review',
        language: 'en',
        category: 'UTILITY',
        content: { body: 'Your order {{order}} ships today' },
      })
    ).id;
    api = await wabaApp(server.runtime.services);
  });
  after(async () => {
    await api.close();
    await server.close();
  });

  const post = async (path: string, body: unknown, as = token) => {
    const r = await api.inject({
      method: 'POST',
      url: `/api/v1${path}`,
      payload: body as object,
      headers: { authorization: `Token ${as}` },
    });
    return { status: r.statusCode, json: r.json() };
  };

  it('§8.1 lists the WhatsApp accounts of the caller only', async () => {
    const r = await post('/waba/accounts', { channel: 'WhatsApp' });
    assert.equal(r.status, 200);
    assert.equal(r.json.code, 200);
    assert.match(r.json.request_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(r.json.data, [
      {
        channel: 'WhatsApp',
        channel_id: CHANNEL,
        phone_number: '+6583753709',
        name: 'AIRudder Demo',
        status: 'CONNECTED',
      },
    ]);
    const other = await post('/waba/accounts', {}, otherToken);
    assert.deepEqual(
      other.json.data.map((c: { channel_id: string }) => c.channel_id),
      ['b-only'],
    );
  });

  it('§8.2 lists templates with filters and pages, 404 for a channel of another app', async () => {
    const all = await post('/waba/templates', { channel_id: CHANNEL });
    assert.equal(all.json.data.total, 2);
    assert.deepEqual(all.json.data.list[0], {
      id: approved,
      name: 'opt_out_02_27_english',
      language: 'en',
      category: 'MARKETING',
      status: 'APPROVED',
    });
    const byName = await post('/waba/templates', { channel_id: CHANNEL, name: 'REVIEW' });
    assert.deepEqual(
      byName.json.data.list.map((t: { id: number }) => t.id),
      [pending],
    );
    const byStatus = await post('/waba/templates', { channel_id: CHANNEL, status: 'APPROVED' });
    assert.equal(byStatus.json.data.total, 1);
    const paged = await post('/waba/templates', { channel_id: CHANNEL, page: 2, size: 1 });
    assert.deepEqual(
      paged.json.data.list.map((t: { id: number }) => t.id),
      [pending],
    );
    const foreign = await post('/waba/templates', { channel_id: 'b-only' });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.code, 404);
    assert.match(foreign.json.message, /Channel not found/);
    const missing = await post('/waba/templates', {});
    assert.equal(missing.status, 400);
    assert.equal(missing.json.code, 400);
  });

  it('§8.3 answers a template with its placeholders; 404 for an unknown one', async () => {
    const r = await post('/waba/template/detail', { channel_id: CHANNEL, template_id: approved });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data.info, {
      id: approved,
      name: 'opt_out_02_27_english',
      language: 'en',
    });
    assert.deepEqual(r.json.data.variables, ['1', '2']);
    assert.equal(r.json.data.content.body, CONTENT.body);
    const unknown = await post('/waba/template/detail', {
      channel_id: CHANNEL,
      template_id: 999999,
    });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /Template not found/);
  });

  it('§8.4 sends a batch, §8.5 reports it, §8.6 calls back every status change', async () => {
    const r = await post('/waba/template/send', {
      channel: 'WhatsApp',
      channel_id: CHANNEL,
      template_id: approved,
      robot_id: '4496',
      callback_url: 'https://crm.example.com/waba',
      users: [
        { id: '6281234500001', variables: { '1': 'tom', '2': '2024-03-07' } },
        { id: '6281234500002', variables: { '1': 'ann', '2': '2024-03-08' } },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const { waba_task_id, messages } = r.json.data;
    assert.match(waba_task_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      messages.map((m: { user_id: string }) => m.user_id),
      ['6281234500001', '6281234500002'],
    );
    const sent = await waitFor('both sent', async () => {
      const res = await post('/waba/template/send/result', { waba_task_id });
      return res.json.data.every((m: { status: string }) => m.status === 'sent') ? res : undefined;
    });
    const row = sent.json.data[0];
    assert.equal(row.template_msg_id, messages[0].template_msg_id);
    assert.deepEqual(row.user, { id: '6281234500001' });
    assert.match(row.send_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(row.error_code, '');

    const adapter = fakes.get('pn-a');
    const out = adapter.sends.find((s) => s.message.idempotencyKey === messages[0].template_msg_id);
    assert.equal(out?.message.to, '+6281234500001');
    assert.equal(out?.message.from, 'pn-a');
    assert.deepEqual(out?.message.content, {
      type: 'template',
      template: {
        name: 'opt_out_02_27_english',
        language: 'en',
        body: { '1': 'tom', '2': '2024-03-07' },
        headerMedia: { url: 'https://example.com/eiffel.jpg', type: 'image' },
        buttonPayloads: ['no', 'OPT_OUT'],
      },
    });

    const callbacks = await server.store.db.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM webhook_events WHERE app_id = $1 AND type = 'waba.template_status'
       AND subject_id = $2`,
      [appId, messages[0].template_msg_id],
    );
    assert.equal(callbacks.length, 1);
    assert.deepEqual(
      { ...callbacks[0]!.payload, send_time: 'x', timestamp: 0 },
      {
        waba_task_id,
        msg_id: messages[0].template_msg_id,
        template_msg_id: messages[0].template_msg_id,
        channel: 'WhatsApp',
        channel_id: CHANNEL,
        user: { id: '6281234500001' },
        status: 'sent',
        send_time: 'x',
        waba_template_name: 'opt_out_02_27_english',
        waba_template_id: approved,
        timestamp: 0,
        error_code: '',
        error_message: '',
      },
    );
    const byIds = await post('/waba/template/send/result', {
      template_msg_ids: [messages[1].template_msg_id],
    });
    assert.deepEqual(
      byIds.json.data.map((m: { user: { id: string } }) => m.user.id),
      ['6281234500002'],
    );
    const neither = await post('/waba/template/send/result', {});
    assert.equal(neither.status, 400);
    // Another app cannot read this task's results.
    const foreign = await post('/waba/template/send/result', { waba_task_id }, otherToken);
    assert.deepEqual(foreign.json.data, []);
  });

  it('§8.4 refuses bad requests whole: nothing is queued', async () => {
    const count = async () =>
      (
        await server.store.db.query<{ n: number }>(
          'SELECT count(*) AS n FROM messages WHERE app_id = $1',
          [appId],
        )
      )[0]!.n;
    const before = await count();
    const send = (body: object) =>
      post('/waba/template/send', { channel_id: CHANNEL, template_id: approved, ...body });
    const badUser = await send({
      users: [
        { id: '6281234500003', variables: { '1': 'a', '2': 'b' } },
        { id: 'not-a-number', variables: { '1': 'a', '2': 'b' } },
      ],
    });
    assert.equal(badUser.status, 400);
    assert.match(badUser.json.message, /not-a-number/);
    const missingVar = await send({ users: [{ id: '6281234500003', variables: { '1': 'a' } }] });
    assert.equal(missingVar.status, 400);
    assert.match(missingVar.json.message, /lacks variables 2/);
    const noRobot = await send({
      robot_id: '999999',
      users: [{ id: '6281234500003', variables: { '1': 'a', '2': 'b' } }],
    });
    assert.equal(noRobot.status, 404);
    assert.match(noRobot.json.message, /Robot is not found/);
    const noUsers = await send({ users: [] });
    assert.equal(noUsers.status, 400);
    const notApproved = await post('/waba/template/send', {
      channel_id: CHANNEL,
      template_id: pending,
      users: [{ id: '6281234500003', variables: { order: 'A1' } }],
    });
    assert.equal(notApproved.status, 422);
    assert.equal(notApproved.json.code, 422);
    const noChannel = await post('/waba/template/send', {
      channel_id: 'b-only',
      template_id: approved,
      users: [{ id: '6281234500003', variables: { '1': 'a', '2': 'b' } }],
    });
    assert.equal(noChannel.status, 404);
    const noTemplate = await send({
      template_id: 424242,
      users: [{ id: '6281234500003', variables: { '1': 'a', '2': 'b' } }],
    });
    assert.equal(noTemplate.status, 404);
    assert.equal(await count(), before);
  });

  it('§8.7 sends one template; a listed number is refused with 403', async () => {
    const r = await post('/waba/template/send/single', {
      channel: 'WhatsApp',
      channel_id: CHANNEL,
      template_id: approved,
      user: { id: '6281234500009' },
      variables: { '1': 'tom', '2': '2024-03-07' },
    });
    assert.equal(r.status, 200);
    assert.match(r.json.data.template_msg_id, /^[0-9a-f]{32}$/);
    assert.equal(r.json.data.msg_id, r.json.data.template_msg_id);

    const dnc = await client(server.url, token).post('/v1/dnc', { numbers: ['+6281234500010'] });
    assert.equal(dnc.status, 200);
    const blocked = await post('/waba/template/send/single', {
      channel_id: CHANNEL,
      template_id: approved,
      user: { id: '6281234500010' },
      variables: { '1': 'x', '2': 'y' },
    });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json.code, 403);
    assert.match(blocked.json.message, /cannot be messaged/);
  });

  it('a batch send to a listed number fails that message with contact_blocked, and calls back', async () => {
    await client(server.url, token).post('/v1/dnc', { numbers: ['+6281234500011'] });
    const r = await post('/waba/template/send', {
      channel_id: CHANNEL,
      template_id: approved,
      users: [{ id: '6281234500011', variables: { '1': 'x', '2': 'y' } }],
    });
    const id = r.json.data.messages[0].template_msg_id;
    const failed = await waitFor('the message to fail', async () => {
      const res = await post('/waba/template/send/result', { template_msg_ids: [id] });
      return res.json.data[0]?.status === 'failed' ? res.json.data[0] : undefined;
    });
    assert.equal(failed.error_code, 'contact_blocked');
    assert.ok(
      !fakes.get('pn-a').sends.some((s) => s.message.idempotencyKey === id),
      'never reached the provider',
    );
    const [cb] = await server.store.db.query<{ payload: { status: string; error_code: string } }>(
      `SELECT payload FROM webhook_events WHERE type = 'waba.template_status' AND subject_id = $1`,
      [id],
    );
    assert.equal(cb?.payload.status, 'failed');
    assert.equal(cb?.payload.error_code, 'contact_blocked');
  });

  it('refuses a request without a token', async () => {
    const r = await api.inject({ method: 'POST', url: '/api/v1/waba/accounts', payload: {} });
    assert.equal(r.statusCode, 401);
  });
});
