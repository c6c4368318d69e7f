import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { verify, WebhookVerificationError } from '../../src/modules/webhooks/signing.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import {
  addEvent,
  counter,
  createApp,
  deliveryRows,
  eventRow,
  refusedUrl,
  samplePayload,
  deliverSentinel,
  startDeliverer,
  startReceiver,
  testConfig,
  waitFor,
  waitForStatus,
  type Receiver,
  type RunningDeliverer,
} from './harness.ts';

describe(`webhook delivery (${storeKind})`, () => {
  let store: TestStore;
  let running: RunningDeliverer | undefined;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  before(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    for (const r of receivers.splice(0)) await r.close();
  });
  after(() => store.close());

  it('POSTs the stored payload signed with the app secret (Standard Webhooks)', async () => {
    const hook = await receiver();
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig());
    const payload = samplePayload();
    const id = await addEvent(store.db, app.id, payload);

    await waitForStatus(store.db, id, 'delivered');
    assert.equal(hook.requests.length, 1);
    const req = hook.requests[0]!;
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], 'Airudder');
    assert.equal(req.headers['webhook-id'], id);
    const ts = Number(req.headers['webhook-timestamp']);
    assert.ok(Math.abs(ts - Date.now() / 1000) < 120, 'timestamp is unix seconds of the attempt');
    assert.deepEqual(JSON.parse(req.body), payload);
    // The amount stays the string it was; the body is the payload, not a re-rendering of it.
    assert.match(req.body, /"borrowed_amount": ?"20000\.00"/);

    assert.doesNotThrow(() => verify(app.webhook_secret, req.headers, req.body));
    const other = await createApp(store.db, null);
    assert.throws(
      () => verify(other.webhook_secret, req.headers, req.body),
      WebhookVerificationError,
    );
    assert.throws(() =>
      verify(app.webhook_secret, req.headers, req.body.replace('case-1', 'case-2')),
    );
    assert.throws(() =>
      verify(app.webhook_secret, { ...req.headers, 'webhook-id': 'x' }, req.body),
    );

    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.attempt, d.http_status, d.error, d.url]),
      [[1, 200, null, hook.url]],
    );
    assert.equal(log[0]!.response_excerpt, '{}');
    assert.equal((await eventRow(store.db, id)).attempts, 1);
    assert.equal(await counter(running.metrics, 'delivered'), 1);
  });

  it('retries a receiver that fails twice: 3 requests with the same webhook-id, log 1-2 failed, 3 ok', async () => {
    const hook = await receiver((n) => (n <= 2 ? { status: 500, body: 'oops' } : {}));
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 5 }));
    const id = await addEvent(store.db, app.id);

    const row = await waitForStatus(store.db, id, 'delivered');
    assert.equal(row.attempts, 3);
    assert.equal(hook.requests.filter((r) => r.headers['webhook-id'] === id).length, 3);
    assert.deepEqual(
      hook.requests.map((r) => r.headers['webhook-id']),
      [id, id, id],
    );
    assert.equal(new Set(hook.requests.map((r) => r.body)).size, 1, 'same body on every attempt');
    for (const r of hook.requests) verify(app.webhook_secret, r.headers, r.body);

    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.attempt, d.http_status, d.error]),
      [
        [1, 500, 'HTTP 500'],
        [2, 500, 'HTTP 500'],
        [3, 200, null],
      ],
    );
    assert.equal(log[0]!.response_excerpt, 'oops');
    await waitFor('the metrics', async () => (await counter(running!.metrics, 'delivered')) === 1);
    assert.equal(await counter(running.metrics, 'failed_attempt'), 2);
    // Several retry delays and polls later, no extra request has followed the success.
    await deliverSentinel(store.db, app.id, hook, 200);
    assert.equal(hook.requests.filter((r) => r.headers['webhook-id'] === id).length, 3);
  });

  it('gives up after 1 + maxRetries attempts and sends nothing more', async () => {
    const hook = await receiver(() => ({ status: 503 }));
    const app = await createApp(store.db, hook.url);
    const config = testConfig({ webhookMaxRetries: 2 });
    running = await startDeliverer(store.db, config);
    const id = await addEvent(store.db, app.id);

    const row = await waitForStatus(store.db, id, 'failed');
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, 'HTTP 503');
    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.attempt, d.http_status]),
      [
        [1, 503],
        [2, 503],
        [3, 503],
      ],
    );
    await waitFor('the metrics', async () => (await counter(running!.metrics, 'exhausted')) === 1);
    assert.equal(await counter(running.metrics, 'failed_attempt'), 2);
    await deliverSentinel(
      store.db,
      app.id,
      hook,
      config.webhookRetryDelayMs * 6 + config.pollIntervalMs * 6,
    );
    assert.equal(
      hook.requests.filter((r) => r.headers['webhook-id'] === id).length,
      3,
      'no 4th request',
    );
  });

  it('counts a refused connection as a failed attempt', async () => {
    const url = await refusedUrl();
    const app = await createApp(store.db, url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1 }));
    const id = await addEvent(store.db, app.id);

    const row = await waitForStatus(store.db, id, 'failed');
    assert.equal(row.attempts, 2);
    const log = await deliveryRows(store.db, id);
    assert.equal(log.length, 2);
    for (const d of log) {
      assert.equal(d.http_status, null);
      assert.match(d.error ?? '', /ECONNREFUSED/);
      assert.equal(d.url, url);
    }
  });

  it('counts a receiver slower than the timeout as a failed attempt', async () => {
    const hook = await receiver(() => ({ delayMs: 5_000 }));
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(
      store.db,
      testConfig({ webhookTimeoutMs: 150, webhookMaxRetries: 0 }),
    );
    const id = await addEvent(store.db, app.id);

    const row = await waitForStatus(store.db, id, 'failed');
    assert.equal(row.attempts, 1);
    assert.equal(hook.requests.length, 1, 'the request did arrive');
    const log = await deliveryRows(store.db, id);
    assert.equal(log.length, 1);
    assert.equal(log[0]!.http_status, null);
    assert.equal(log[0]!.error, 'timed out after 150 ms');
  });

  it('parks an event of an app without a URL, without any request', async () => {
    const app = await createApp(store.db, null);
    running = await startDeliverer(store.db, testConfig());
    const id = await addEvent(store.db, app.id);

    const row = await waitForStatus(store.db, id, 'failed');
    assert.equal(row.last_error, 'no webhook URL configured');
    assert.equal(row.attempts, 0);
    assert.deepEqual(await deliveryRows(store.db, id), []);
  });

  it('parks a backlog of URL-less events in batches and delivers the events behind them', async () => {
    const hook = await receiver();
    const silent = await createApp(store.db, null);
    const listening = await createApp(store.db, hook.url);
    const parked = [];
    for (let i = 0; i < 30; i++) parked.push(await addEvent(store.db, silent.id));
    const delivered = await addEvent(store.db, listening.id);
    // Five at a time: the claims that take only URL-less events must not stop the loop.
    running = await startDeliverer(store.db, testConfig({ webhookConcurrency: 5 }));

    await waitForStatus(store.db, delivered, 'delivered');
    for (const id of parked) {
      const row = await waitForStatus(store.db, id, 'failed');
      assert.equal(row.last_error, 'no webhook URL configured');
      assert.equal(row.attempts, 0);
      assert.deepEqual(await deliveryRows(store.db, id), []);
    }
    assert.equal(hook.requests.length, 1);
    assert.equal(hook.requests[0]!.headers['webhook-id'], delivered);
  });

  it('keeps delivering other events when one fails', async () => {
    const bad = await receiver(() => ({ status: 500 }));
    const good = await receiver();
    const badApp = await createApp(store.db, bad.url);
    const goodApp = await createApp(store.db, good.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1 }));
    const badId = await addEvent(store.db, badApp.id);
    const goodIds = await Promise.all(
      [1, 2, 3].map((n) => addEvent(store.db, goodApp.id, samplePayload(n))),
    );

    await waitForStatus(store.db, badId, 'failed');
    for (const id of goodIds) await waitForStatus(store.db, id, 'delivered');
    assert.deepEqual(new Set(good.requests.map((r) => r.headers['webhook-id'])), new Set(goodIds));
  });

  it('makes the events of a vanished worker claimable again', async () => {
    const hook = await receiver();
    const app = await createApp(store.db, hook.url);
    const id = await addEvent(store.db, app.id);
    // A worker that claimed the event and died: locked far into the future, owner not registered.
    await store.db.query(
      `UPDATE webhook_events SET locked_by = 'ghost', locked_until = now() + interval '1 hour', attempts = 1
       WHERE id = $1`,
      [id],
    );
    running = await startDeliverer(store.db, testConfig());
    await deliverSentinel(store.db, app.id, hook);
    assert.equal(
      hook.requests.filter((r) => r.headers['webhook-id'] === id).length,
      0,
      'a live lease is respected',
    );

    await store.db.transaction((tx) => running!.deliverer.reclaim(tx));
    running.deliverer.wake();
    const row = await waitForStatus(store.db, id, 'delivered');
    assert.equal(row.attempts, 2, 'the interrupted attempt counts');
    assert.equal(hook.requests.filter((r) => r.headers['webhook-id'] === id).length, 1);
  });

  it('hands unfinished deliveries back on stop', async () => {
    const hook = await receiver(() => ({ delayMs: 5_000 }));
    const app = await createApp(store.db, hook.url);
    const first = await startDeliverer(
      store.db,
      testConfig({ webhookTimeoutMs: 10_000, shutdownGraceMs: 50 }),
    );
    const id = await addEvent(store.db, app.id);
    await waitFor('the request in flight', () => hook.requests.length === 1);

    await first.stop();
    const row = await eventRow(store.db, id);
    assert.equal(row.status, 'pending');
    assert.equal(row.locked_by, null, 'claim handed back');
    const log = await deliveryRows(store.db, id);
    assert.deepEqual(
      log.map((d) => [d.attempt, d.error]),
      [[1, 'aborted: worker shutting down']],
    );
  });
});
