import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SigningKeyService } from '../../src/modules/auth/signing-keys.service.ts';
import { recordEvent, recordEvents, type NewEvent } from '../../src/modules/webhooks/outbox.ts';
import { WebhookService } from '../../src/modules/webhooks/webhooks.service.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import {
  createApp,
  deliveryRows,
  eventRow,
  startDeliverer,
  startReceiver,
  testConfig,
  waitFor,
  waitForStatus,
  type Receiver,
  type RunningDeliverer,
} from './harness.ts';

// AIRudder-style callbacks (docs/webhooks.md, "Delivery styles"): the event's own target URL,
// X-AIRudder-Sign over the bytes as received, and the spec's retry schedule (every 60 s, at most
// 5 retries), which is read from the scheduled times, not waited for.

interface RawRequest {
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  bytes: Buffer;
}

/** A receiver that keeps the raw bytes; answers `status(n)` to its n-th request. */
async function rawReceiver(status: (n: number) => number = () => 200) {
  const requests: RawRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, bytes: Buffer.concat(chunks) });
      res.writeHead(status(requests.length), { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/chatbot/callback`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const hmacHex = (secret: string, bytes: Buffer) =>
  createHmac('sha256', secret).update(bytes).digest('hex');

describe(`AIRudder-style webhook delivery (${storeKind})`, () => {
  let store: TestStore;
  let appHook: Receiver;
  let target: Awaited<ReturnType<typeof rawReceiver>>;
  let running: RunningDeliverer;

  before(async () => {
    store = await openTestStore();
    appHook = await startReceiver();
    // Answers 500 to the requests of the retry test (ids in `failing`), 200 otherwise.
    target = await rawReceiver((n) =>
      failing.has(String(target.requests[n - 1]!.headers['webhook-id'])) ? 500 : 200,
    );
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1 }));
  });
  after(async () => {
    await running?.stop();
    await appHook?.close();
    await target?.close();
    await store?.close();
  });

  const failing = new Set<string>();
  const event = (appId: number, url: string, payload: Record<string, unknown>): NewEvent => ({
    appId,
    type: 'call' as NewEvent['type'],
    subjectId: newId(),
    payload,
    delivery: { url, style: 'airudder' },
  });
  const receivedFor = (id: string) =>
    waitFor(`the callback of ${id}`, () =>
      target.requests.find((r) => r.headers['webhook-id'] === id),
    );

  it('posts to the target URL, signed with the newest active signing key over the exact bytes', async () => {
    const app = await createApp(store.db, appHook.url);
    const keys = new SigningKeyService(store.db);
    await keys.create(app.id, {});
    const newest = await keys.create(app.id, {});
    // Made last but revoked: the newest *active* key signs.
    const revoked = await keys.create(app.id, {});
    await keys.revoke(app.id, revoked.key.keyId);

    const payload = { call_id: 'aa2870b1e9da2fe808d690c42feca78e', text: 'héllo "agent"', n: 1.5 };
    const id = await store.db.transaction((tx) =>
      recordEvent(tx, event(app.id, target.url, payload)),
    );
    const received = await receivedFor(id);
    await waitForStatus(store.db, id, 'delivered');

    const h = received.headers;
    assert.equal(h['content-type'], 'application/json');
    assert.equal(h['user-agent'], 'Airudder');
    assert.equal(h['x-airudder-sign-key'], newest.key.keyId);
    assert.equal(h['x-airudder-sign'], hmacHex(newest.secret, received.bytes));
    assert.match(String(h['x-airudder-sign']), /^[0-9a-f]{64}$/);
    assert.equal(h['webhook-id'], id);
    assert.equal(h['webhook-signature'], undefined, 'not the standard style');
    assert.deepEqual(JSON.parse(received.bytes.toString('utf8')), payload);
    assert.equal(appHook.requests.length, 0, "the app's webhook URL got nothing");
    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.attempt, d.url, d.http_status]),
      [[1, target.url, 200]],
    );
  });

  it("signs with the app's webhook secret when the app has no signing key, and names no key", async () => {
    const app = await createApp(store.db, null);
    const [id] = await store.db.transaction((tx) =>
      recordEvents(tx, [event(app.id, target.url, { session: 'end' })]),
    );
    const received = await receivedFor(id!);
    assert.equal(received.headers['x-airudder-sign'], hmacHex(app.webhook_secret, received.bytes));
    assert.equal(received.headers['x-airudder-sign-key'], undefined);
    await waitForStatus(store.db, id!, 'delivered');
  });

  it('retries every 60 s from each attempt, 5 times, then fails; a resend delivers it again', async () => {
    const app = await createApp(store.db, appHook.url);
    const key = await new SigningKeyService(store.db).create(app.id, {});
    const id = await store.db.transaction((tx) =>
      recordEvent(tx, event(app.id, target.url, { retry: true })),
    );
    failing.add(id);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const row = await waitFor(`attempt ${attempt} to be scheduled for a retry`, async () => {
        const r = await eventRow(store.db, id);
        return r.attempts === attempt && r.locked_by === null ? r : undefined;
      });
      assert.equal(row.status, 'pending');
      const log = await deliveryRows(store.db, id);
      assert.equal(log.length, attempt);
      const last = log.at(-1)!;
      assert.equal(last.http_status, 500);
      assert.equal(
        row.next_attempt_at.getTime() - last.started_at.getTime(),
        60_000,
        `retry ${attempt} is due 60 s after attempt ${attempt} started`,
      );
      // The minute passes: the retry becomes due now.
      await store.db.query(
        'UPDATE webhook_events SET next_attempt_at = now() WHERE id = $1 AND attempts = $2',
        [id, attempt],
      );
    }
    // The 6th attempt (the 5th retry) is the last, whatever TILLER_WEBHOOK_MAX_RETRIES says (1 here).
    const failed = await waitForStatus(store.db, id, 'failed');
    assert.equal(failed.attempts, 6);
    assert.equal(failed.last_error, 'HTTP 500');
    const sent = target.requests.filter((r) => r.headers['webhook-id'] === id);
    assert.equal(sent.length, 6);
    for (const r of sent) assert.equal(r.headers['x-airudder-sign'], hmacHex(key.secret, r.bytes));

    failing.delete(id);
    await new WebhookService(store.db).resend(app.id, id);
    const resent = await waitForStatus(store.db, id, 'delivered');
    assert.equal(resent.attempts, 1);
    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.url, d.http_status]).at(-1),
      [target.url, 200],
      'the resend keeps the target and the style',
    );
    assert.equal(target.requests.filter((r) => r.headers['webhook-id'] === id).length, 7);
    assert.equal(appHook.requests.length, 0);
  });

  it('keeps the standard style for an event without delivery (app URL, webhook-* headers)', async () => {
    const app = await createApp(store.db, appHook.url);
    const id = await store.db.transaction((tx) =>
      recordEvent(tx, {
        appId: app.id,
        type: 'call' as NewEvent['type'],
        subjectId: newId(),
        payload: { a: 1 },
      }),
    );
    const received = await waitFor('the standard delivery', () =>
      appHook.requests.find((r) => r.headers['webhook-id'] === id),
    );
    assert.match(String(received.headers['webhook-signature']), /^v1,/);
    assert.equal(received.headers['x-airudder-sign'], undefined);
    const [row] = await store.db.query<{ delivery_style: string; target_url: string | null }>(
      'SELECT delivery_style, target_url FROM webhook_events WHERE id = $1',
      [id],
    );
    assert.deepEqual({ ...row }, { delivery_style: 'standard', target_url: null });
  });
});
