import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { encryptedClient, openWebhook, type Answer, type DocSettings } from './docs-client.ts';

// The full round trip with the client written from docs/encryption.md alone, against the real
// server: switch encryption on, create a task with an encrypted body, read /detail and /list
// encrypted, receive encrypted webhooks and open them. Another app is unaffected and cannot see
// or change the settings.

const ANSWERED = '+6281234567000';
const INVALID = '+6281234567007';

type Client = ReturnType<typeof client>;

describe(`encryption round trip with the docs client (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let token: string;
  let otherToken: string;
  let plain: Client;
  let other: Client;
  let settings: DocSettings;
  let webhookSecret: string;
  let encrypted: ReturnType<typeof encryptedClient>;
  let created: Answer;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const { auth } = server.runtime.services;
    const app = await auth.createApp({ name: 'encrypted', webhookUrl: receiver.url });
    const otherApp = await auth.createApp({ name: 'other' });
    token = await tokenFor(server.url, app.appKey, app.appSecret);
    otherToken = await tokenFor(server.url, otherApp.appKey, otherApp.appSecret);
    plain = client(server.url, token);
    other = client(server.url, otherToken);

    // "Switching it on": the integrator's first call, in plaintext.
    const on = await plain.put('/v1/app/encryption', {});
    assert.equal(on.status, 200, on.text);
    settings = on.json.data;
    encrypted = encryptedClient(server.url, token, settings);

    created = await encrypted.post('/service/cloud/task', {
      task_name: 'encrypted_task',
      robot_id: '4496',
      callees: [
        {
          case_id: 'c-1',
          callee_number: ANSWERED,
          callee_name: 'Ana',
          total_owing_amount: '10.00',
        },
        { case_id: 'c-2', callee_number: INVALID, callee_name: 'Bo' },
      ],
    });
    // Two call webhooks and the task webhook.
    await waitFor('every webhook', () => (receiver.requests.length >= 3 ? true : undefined));
    const hook = await encrypted.get('/v1/app/webhook');
    webhookSecret = (hook.payload as { webhook_secret: string }).webhook_secret;
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  const test = (name: string, fn: () => Promise<void> | void) => it(name, fn);

  test('switches on with the documented defaults and a generated 256-bit key', () => {
    assert.equal(settings.mode, 'CBC');
    assert.equal(settings.key_bits, 256);
    assert.equal(settings.iv, 'random-prefix');
    assert.equal(settings.wrapper_field, 'data');
    assert.equal(Buffer.from(settings.key, 'base64').length, 32);
  });

  test('creates a task from an encrypted body and answers encrypted', () => {
    assert.equal(created.status, 200, JSON.stringify(created.envelope));
    assert.equal(created.envelope.code, 200);
    assert.equal(typeof created.envelope.data, 'string');
    assert.match((created.payload as { task_id: string }).task_id, /^[0-9a-f]{32}$/);
  });

  test('reads /detail and /list encrypted', async () => {
    const taskId = (created.payload as { task_id: string }).task_id;
    const detail = await encrypted.get(`/service/cloud/detail?task_id=${taskId}&page_size=100`);
    assert.equal(detail.status, 200);
    const data = detail.payload as {
      total: number;
      task_status: string;
      list: Array<{ callee_number: string }>;
    };
    assert.equal(data.total, 2);
    assert.equal(data.task_status, 'Finished');
    assert.deepEqual(data.list.map((r) => r.callee_number).sort(), [ANSWERED, INVALID]);
    const list = await encrypted.get('/service/cloud/list');
    const tasks = (list.payload as { list: Array<{ task_id: string; task_name: string }> }).list;
    assert.deepEqual(
      tasks.map((t) => [t.task_id, t.task_name]),
      [[taskId, 'encrypted_task']],
    );
  });

  test('delivers webhooks as signed wrappers that open to the events', () => {
    const taskId = (created.payload as { task_id: string }).task_id;
    const events = receiver.requests.map((r) => {
      assert.deepEqual(Object.keys(JSON.parse(r.body)), ['data']);
      return openWebhook(settings, webhookSecret, r.headers, r.body) as {
        task_id?: string;
        call?: { task_id: string; callee_number: string };
      };
    });
    const calls = events.filter((e) => e.call).map((e) => e.call!);
    assert.deepEqual(calls.map((c) => c.callee_number).sort(), [ANSWERED, INVALID]);
    for (const call of calls) assert.equal(call.task_id, taskId);
    assert.ok(
      events.some((e) => e.task_id === taskId && !e.call),
      'the task webhook',
    );
  });

  test('answers a body under the wrong key with a readable 400', async () => {
    const wrongKey = { ...settings, key: Buffer.alloc(32).toString('base64') };
    const r = await encryptedClient(server.url, token, wrongKey).post('/service/cloud/operation', {
      task_id: (created.payload as { task_id: string }).task_id,
      operation: 'stop',
    });
    assert.equal(r.status, 400);
    assert.equal(r.payload, null, 'errors are plaintext, data null');
    assert.match(String(r.envelope.message), /"data" cannot be decrypted/);
  });

  test('still takes plaintext bodies (accept_plaintext) and answers them encrypted', async () => {
    const r = await plain.post('/service/cloud/task', {
      task_name: 'plaintext_body',
      robot_id: '4496',
      callees: [{ case_id: 'p-1', callee_number: INVALID }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.data, 'string', 'the answer is encrypted anyway');
  });

  test('leaves another app untouched, and lets it neither read nor change these settings', async () => {
    const mine = await other.get('/v1/app/encryption');
    assert.deepEqual(mine.json.data, { enabled: false });
    const list = await other.get('/service/cloud/list');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.data.list, [], 'plaintext, and none of the other app’s tasks');
    const otherOn = await other.put('/v1/app/encryption', { mode: 'GCM' });
    assert.notEqual(otherOn.json.data.key, settings.key);
    const off = await fetch(`${server.url}/v1/app/encryption`, {
      method: 'DELETE',
      headers: { authorization: `Token ${otherToken}` },
    });
    assert.equal(off.status, 200);
    const still = await plain.get('/v1/app/encryption');
    assert.deepEqual(still.json.data, settings, "the other app's writes left these alone");
    const detail = await encrypted.get('/service/cloud/list');
    assert.equal(detail.status, 200, 'the encrypted client still works with its key');
  });
});
