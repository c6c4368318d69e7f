import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels } from './harness.ts';

// AIRudder's SMS send (/service/sms/message/v2/send, token auth, `{code:0, body}`): one message
// per number through the SMS sender's adapter, delivery reports to callbackUrl, and errors in
// the family's envelope.

describe(`SMS send (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  const fakes = fakeChannels();

  before(async () => {
    server = await startTestServer({ channels: fakes.factory });
    const { auth, messaging } = server.runtime.services;
    const a = await auth.createApp({ name: 'sms', timezone: 'UTC' });
    const b = await auth.createApp({ name: 'sms-other', timezone: 'UTC' });
    appId = a.app.id;
    api = client(server.url, await tokenFor(server.url, a.appKey, a.appSecret));
    other = client(server.url, await tokenFor(server.url, b.appKey, b.appSecret));
    await messaging.createChannel(appId, {
      channelId: 'TILLER',
      kind: 'sms',
      name: 'Tiller SMS',
      phoneNumber: '+6580000009',
      config: { url: 'smpp://127.0.0.1:2775', systemId: 'smsc-a', password: 'secret' },
    });
  });
  after(() => server.close());

  const count = async () =>
    (
      await server.store.db.query<{ n: number }>(
        "SELECT count(*) AS n FROM messages WHERE app_id = $1 AND kind = 'sms'",
        [appId],
      )
    )[0]!.n;

  it('sends one SMS to each number and reports delivery to callbackUrl', async () => {
    const r = await api.post('/service/sms/message/v2/send', {
      to: ['+6281234560001', '6281234560002'],
      message: 'Your code is 1234',
      from: 'TILLER',
      callbackUrl: 'https://crm.example.com/sms',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 0);
    const messageId = r.json.body.messageId as string;
    assert.match(messageId, /^[0-9a-f]{32}$/);
    const adapter = await waitFor('the SMS adapter', () => {
      try {
        const c = fakes.get('smsc-a');
        return c.sends.length >= 2 ? c : undefined;
      } catch {
        return undefined;
      }
    });
    assert.deepEqual(adapter.sends.map((s) => s.message.to).sort(), [
      '+6281234560001',
      '+6281234560002',
    ]);
    assert.deepEqual(adapter.sends[0]!.message.content, {
      type: 'text',
      text: 'Your code is 1234',
    });
    assert.equal(adapter.sends[0]!.message.from, '+6580000009');

    // The SMS centre's delivery receipt for one of them (SMPP deliver_sm), pushed by the adapter.
    const [sent] = await waitFor('sent', async () => {
      const rows = await server.store.db.query<{
        id: string;
        provider_message_id: string;
        user_id: string;
      }>(
        "SELECT id, provider_message_id, user_id FROM messages WHERE batch_id = $1 AND status = 'sent' ORDER BY user_id",
        [messageId],
      );
      return rows.length === 2 ? rows : undefined;
    });
    await adapter.push({
      kind: 'status',
      providerMessageId: sent!.provider_message_id,
      recipient: `+${sent!.user_id}`,
      status: 'delivered',
      at: new Date(),
    });
    const reports = await waitFor('the delivery report', async () => {
      const rows = await server.store.db.query<{ payload: Record<string, unknown> }>(
        "SELECT payload FROM webhook_events WHERE type = 'sms.delivery' AND subject_id = $1 ORDER BY seq",
        [sent!.id],
      );
      return rows.length === 2 ? rows : undefined;
    });
    assert.deepEqual(
      reports.map((r) => r.payload.status),
      ['sent', 'delivered'],
    );
    assert.equal(reports[1]!.payload.messageId, messageId);
    assert.equal(reports[1]!.payload.to, '+6281234560001');
  });

  it('refuses bad requests in the envelope, writing nothing', async () => {
    const before = await count();
    const badNumber = await api.post('/service/sms/message/v2/send', {
      to: ['+6281234560003', '12'],
      message: 'hi',
      from: 'TILLER',
    });
    assert.equal(badNumber.status, 400);
    assert.equal(badNumber.json.code, 400);
    assert.equal(badNumber.json.body, null);
    const noSender = await api.post('/service/sms/message/v2/send', {
      to: ['+6281234560003'],
      message: 'hi',
      from: 'NOBODY',
    });
    assert.equal(noSender.status, 404);
    const missing = await api.post('/service/sms/message/v2/send', {
      to: ['+6281234560003'],
      from: 'TILLER',
    });
    assert.equal(missing.status, 400);
    // Another app's sender is not there for it.
    const foreign = await other.post('/service/sms/message/v2/send', {
      to: ['+6281234560003'],
      message: 'hi',
      from: 'TILLER',
    });
    assert.equal(foreign.status, 404);
    const noToken = await client(server.url).post('/service/sms/message/v2/send', {
      to: ['+6281234560003'],
      message: 'hi',
      from: 'TILLER',
    });
    assert.equal(noToken.status, 401);
    assert.equal(await count(), before);
  });
});
