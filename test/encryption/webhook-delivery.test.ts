import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EncryptionService } from '../../src/modules/encryption/encryption.service.ts';
import type { EncryptionInput } from '../../src/modules/encryption/settings.ts';
import { recordEvent } from '../../src/modules/webhooks/outbox.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { openWebhook, type DocSettings } from './docs-client.ts';

// Webhooks of an app with encryption on, through the real deliverer to a real receiver: the
// wrapper body, the signature over the bytes sent, the same bytes on a retry. Events are written
// to the outbox directly, so this needs no task and no API route.

const PAYLOAD = { task_id: 'b1a9e2ea80c94f3c9a21551b6454b414', status: 'Finished', note: 'é€😀' };

interface Subscriber {
  receiver: Receiver;
  secret: string;
  settings: DocSettings | null;
}

describe(`encrypted webhooks (${storeKind})`, () => {
  let server: TestServer;
  const subscribers: Record<string, Subscriber> = {};

  async function subscribe(
    name: string,
    encryption: EncryptionInput | null,
    respond?: (n: number) => { status?: number },
  ) {
    const receiver = await startReceiver(respond);
    const { app } = await server.runtime.services.auth.createApp({
      name,
      webhookUrl: receiver.url,
    });
    const settings = encryption
      ? await new EncryptionService(server.store.db).enable(app.id, encryption)
      : null;
    subscribers[name] = { receiver, secret: app.webhookSecret, settings };
    await server.store.db.transaction((tx) =>
      recordEvent(tx, {
        appId: app.id,
        type: 'task',
        subjectId: PAYLOAD.task_id,
        payload: PAYLOAD,
      }),
    );
  }

  before(async () => {
    server = await startTestServer();
    // The first attempt fails, so the retry shows what a second attempt sends.
    await subscribe('cbc', {}, (n) => ({ status: n === 1 ? 500 : 200 }));
    await subscribe('gcm', { mode: 'GCM', wrapper_field: 'encrypt_data' });
    await subscribe('plain', null);
    await waitFor('every delivery', () =>
      subscribers.cbc!.receiver.requests.length >= 2 &&
      subscribers.gcm!.receiver.requests.length >= 1 &&
      subscribers.plain!.receiver.requests.length >= 1
        ? true
        : undefined,
    );
  });

  after(async () => {
    await server?.close();
    for (const s of Object.values(subscribers)) await s.receiver.close();
  });

  it('posts the wrapper, signed over the bytes sent, that decrypts to the event', () => {
    for (const name of ['cbc', 'gcm']) {
      const { receiver, secret, settings } = subscribers[name]!;
      for (const request of receiver.requests) {
        const wrapper = JSON.parse(request.body) as Record<string, unknown>;
        assert.deepEqual(Object.keys(wrapper), [settings!.wrapper_field], name);
        assert.equal(request.headers['content-type'], 'application/json');
        assert.deepEqual(openWebhook(settings!, secret, request.headers, request.body), PAYLOAD);
        assert.throws(
          () => openWebhook(settings!, secret, request.headers, request.body.replace('"}', '="}')),
          /signature mismatch/,
        );
      }
    }
  });

  it('sends the same bytes on every attempt of an event', () => {
    const [first, second] = subscribers.cbc!.receiver.requests;
    assert.equal(second!.headers['webhook-id'], first!.headers['webhook-id']);
    assert.equal(second!.body, first!.body);
  });

  it('leaves the webhooks of an app without encryption as they were', () => {
    const [request] = subscribers.plain!.receiver.requests;
    assert.deepEqual(JSON.parse(request!.body), PAYLOAD);
  });
});
