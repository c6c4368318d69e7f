import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import {
  client,
  readResponse,
  startTestServer,
  tokenFor,
  type TestServer,
} from '../helpers/server.ts';
import { fakeChannels, waConfig } from './harness.ts';

// Tiller's own messaging administration under /v1: channels with secrets never answered back,
// templates and their review status, errors in the /v1 envelope, one app never seeing another's.

describe(`messaging administration (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let token: string;

  before(async () => {
    server = await startTestServer({ channels: fakeChannels().factory });
    const { auth } = server.runtime.services;
    const a = await auth.createApp({ name: 'msg-admin', timezone: 'UTC' });
    const b = await auth.createApp({ name: 'msg-admin-other', timezone: 'UTC' });
    token = await tokenFor(server.url, a.appKey, a.appSecret);
    api = client(server.url, token);
    other = client(server.url, await tokenFor(server.url, b.appKey, b.appSecret));
  });
  after(() => server.close());

  const patch = async (path: string, body: unknown) =>
    readResponse(
      await fetch(server.url + path, {
        method: 'PATCH',
        headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );

  it('creates, lists and changes channels without ever answering a secret', async () => {
    const created = await api.post('/v1/messaging/channels', {
      channel_id: '6583753709',
      kind: 'whatsapp',
      name: 'Demo',
      phone_number: '+6583753709',
      config: waConfig('pn-admin'),
      sends_per_second: 20,
      callback_url: 'https://crm.example.com/waba',
      default_robot_id: '4496',
    });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.json.data, {
      channel_id: '6583753709',
      kind: 'whatsapp',
      name: 'Demo',
      phone_number: '+6583753709',
      status: 'CONNECTED',
      config: { phoneNumberId: 'pn-admin' },
      secrets: ['accessToken', 'appSecret', 'verifyToken'],
      sends_per_second: 20,
      send_window: null,
      callback_url: 'https://crm.example.com/waba',
      default_robot_id: '4496',
    });
    assert.doesNotMatch(created.text, /secret-pn-admin/);

    const changed = await patch('/v1/messaging/channels/6583753709', {
      name: 'Renamed',
      config: { accessToken: 'rotated' },
      send_window: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }],
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.data.name, 'Renamed');
    assert.deepEqual(changed.json.data.secrets, ['accessToken', 'appSecret', 'verifyToken']);
    assert.deepEqual(changed.json.data.send_window, [
      { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
    ]);
    const list = await api.get('/v1/messaging/channels');
    assert.deepEqual(
      list.json.data.map((c: { channel_id: string }) => c.channel_id),
      ['6583753709'],
    );
    assert.doesNotMatch(list.text, /rotated|secret-pn-admin/);
    assert.deepEqual((await other.get('/v1/messaging/channels')).json.data, []);
  });

  it('refuses bad channels in the envelope', async () => {
    const missingSecret = await api.post('/v1/messaging/channels', {
      channel_id: 'wa2',
      kind: 'whatsapp',
      name: 'x',
      phone_number: '+6583753700',
      config: { phoneNumberId: 'p' },
    });
    assert.equal(missingSecret.status, 400);
    assert.match(missingSecret.json.message, /accessToken, appSecret, verifyToken/);
    const duplicate = await api.post('/v1/messaging/channels', {
      channel_id: '6583753709',
      kind: 'simulated',
      name: 'dup',
      phone_number: '+6583753709',
    });
    assert.equal(duplicate.status, 400);
    const badKind = await api.post('/v1/messaging/channels', {
      channel_id: 'x',
      kind: 'fax',
      name: 'x',
      phone_number: '+1',
    });
    assert.equal(badKind.status, 400);
    const badWindow = await patch('/v1/messaging/channels/6583753709', { send_window: 'never' });
    assert.equal(badWindow.status, 400);
    const unknown = await patch('/v1/messaging/channels/nope', { name: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 404);
  });

  it('adds templates pending review, lists them and records the review', async () => {
    const path = '/v1/messaging/channels/6583753709/templates';
    const created = await api.post(path, {
      name: 'order_update',
      language: 'en',
      category: 'UTILITY',
      content: { body: 'Order {{1}} ships {{2}}', button: [{ type: 'QUICK_REPLY', text: 'ok' }] },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.data.status, 'PENDING');
    const id = created.json.data.id as number;
    const duplicate = await api.post(path, {
      name: 'order_update',
      language: 'en',
      category: 'UTILITY',
      content: { body: 'again' },
    });
    assert.equal(duplicate.status, 400);
    const badCategory = await api.post(path, {
      name: 'x',
      language: 'en',
      category: 'SPAM',
      content: { body: 'x' },
    });
    assert.equal(badCategory.status, 400);

    const approved = await api.put(`${path}/${id}/status`, { status: 'APPROVED' });
    assert.equal(approved.status, 200);
    assert.equal(approved.json.data.status, 'APPROVED');
    const listed = await api.get(`${path}?status=APPROVED`);
    assert.equal(listed.json.data.total, 1);
    assert.equal(listed.json.data.list[0].id, id);
    const unknown = await api.put(`${path}/999999/status`, { status: 'APPROVED' });
    assert.equal(unknown.status, 404);
    // Another app can neither see nor approve them.
    const foreign = await other.get(path);
    assert.equal(foreign.status, 404);
    const foreignApprove = await other.put(`${path}/${id}/status`, { status: 'REJECTED' });
    assert.equal(foreignApprove.status, 404);
  });
});
