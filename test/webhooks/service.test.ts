import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebhookService } from '../../src/modules/webhooks/webhooks.service.ts';
import {
  deliveryLogWire,
  eventPageWire,
  eventWire,
  webhookSettingsWire,
} from '../../src/modules/webhooks/webhooks.wire.ts';
import { AppError } from '../../src/shared/errors.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import {
  addEvent,
  createApp,
  deliveryRows,
  startDeliverer,
  startReceiver,
  testConfig,
  waitFor,
  waitForStatus,
  type Receiver,
  type RunningDeliverer,
} from './harness.ts';

const rejectsWith = (key: string) => (error: unknown) =>
  error instanceof AppError && error.key === key;

/**
 * The service answers domain values and the /v1 routes render them (webhooks.wire.ts); these
 * tests check the answers as the API gives them, so they go through the same mappers, in the
 * zone of the harness's apps.
 */
function asTheApiAnswers(service: WebhookService, zone = 'Asia/Jakarta') {
  return {
    getSettings: async (appId: number) => webhookSettingsWire(await service.getSettings(appId)),
    setWebhookUrl: async (appId: number, url: string | null) =>
      webhookSettingsWire(await service.setWebhookUrl(appId, url)),
    listEvents: async (appId: number, query: Parameters<WebhookService['listEvents']>[1]) =>
      eventPageWire(await service.listEvents(appId, query), zone),
    listDeliveries: async (appId: number, eventId: string) =>
      deliveryLogWire(await service.listDeliveries(appId, eventId), zone),
    resend: async (appId: number, eventId: string) =>
      eventWire(await service.resend(appId, eventId), zone),
  };
}

describe(`webhook service (${storeKind})`, () => {
  let store: TestStore;
  let service: ReturnType<typeof asTheApiAnswers>;
  let running: RunningDeliverer | undefined;
  let hook: Receiver | undefined;

  before(async () => {
    store = await openTestStore();
    service = asTheApiAnswers(new WebhookService(store.db));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await hook?.close();
    hook = undefined;
  });
  after(() => store.close());

  it('re-sends a failed event: delivered again, attempts counted from 1', async () => {
    let failing = true;
    hook = await startReceiver(() => (failing ? { status: 500 } : {}));
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1 }));
    const id = await addEvent(store.db, app.id);
    await waitForStatus(store.db, id, 'failed');
    assert.equal(hook.requests.length, 2);

    failing = false;
    const view = await service.resend(app.id, id);
    assert.equal(view.status, 'pending');
    assert.equal(view.attempts, 0);
    const row = await waitForStatus(store.db, id, 'delivered');
    assert.equal(row.attempts, 1);
    assert.equal(hook.requests.length, 3);
    assert.equal(hook.requests[2]!.headers['webhook-id'], id);

    const { event, list } = await service.listDeliveries(app.id, id);
    assert.equal(event.status, 'delivered');
    assert.match(event.delivered_time ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(
      list.map((d) => [d.attempt, d.http_status]),
      [
        [1, 500],
        [2, 500],
        [1, 200],
      ],
    );
  });

  it('delivers an event recorded while no URL was set once the URL is set and it is re-sent', async () => {
    hook = await startReceiver();
    const app = await createApp(store.db, null);
    running = await startDeliverer(store.db, testConfig());
    const id = await addEvent(store.db, app.id);
    await waitForStatus(store.db, id, 'failed');
    assert.equal(hook.requests.length, 0);

    const settings = await service.setWebhookUrl(app.id, hook.url);
    assert.equal(settings.url, hook.url);
    await service.resend(app.id, id);
    await waitForStatus(store.db, id, 'delivered');
    await waitFor('the request', () => hook!.requests.length === 1);
    assert.equal((await deliveryRows(store.db, id)).length, 1);
  });

  it('keeps one app from seeing or re-sending another app’s events', async () => {
    const owner = await createApp(store.db, null);
    const intruder = await createApp(store.db, null);
    const id = await addEvent(store.db, owner.id);

    assert.equal((await service.listEvents(owner.id, { page: 1, page_size: 20 })).total, 1);
    const theirs = await service.listEvents(intruder.id, { page: 1, page_size: 20 });
    assert.equal(theirs.total, 0);
    assert.deepEqual(theirs.list, []);
    await assert.rejects(service.listDeliveries(intruder.id, id), rejectsWith('event_not_found'));
    await assert.rejects(service.resend(intruder.id, id), rejectsWith('event_not_found'));
    assert.equal((await service.listDeliveries(owner.id, id)).event.event_id, id);

    await assert.rejects(service.resend(owner.id, newId()), rejectsWith('event_not_found'));
    await assert.rejects(
      service.listDeliveries(owner.id, 'not-an-id'),
      rejectsWith('event_not_found'),
    );
  });

  it('lists events newest first, paged and filtered by status', async () => {
    const app = await createApp(store.db, null);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await addEvent(store.db, app.id));
    // ids[0] is the newest; distinct times make the order observable.
    for (const [n, id] of ids.entries()) {
      await store.db.query(
        `UPDATE webhook_events SET created_at = now() - make_interval(mins => $2) WHERE id = $1`,
        [id, n],
      );
    }
    await store.db.query(`UPDATE webhook_events SET status = 'delivered' WHERE id = $1`, [ids[0]]);

    const page1 = await service.listEvents(app.id, { page: 1, page_size: 2 });
    const page3 = await service.listEvents(app.id, { page: 3, page_size: 2 });
    assert.equal(page1.total, 5);
    assert.equal(page1.list.length, 2);
    assert.equal(page3.list.length, 1);
    assert.deepEqual(
      [
        ...page1.list,
        ...(await service.listEvents(app.id, { page: 2, page_size: 2 })).list,
        ...page3.list,
      ].map((e) => e.event_id),
      ids,
    );

    const delivered = await service.listEvents(app.id, {
      status: 'delivered',
      page: 1,
      page_size: 20,
    });
    assert.deepEqual(
      delivered.list.map((e) => e.event_id),
      [ids[0]],
    );
    assert.equal(
      (await service.listEvents(app.id, { status: 'pending', page: 1, page_size: 20 })).total,
      4,
    );
  });

  it('returns the URL with the signing secret, and validates URLs', async () => {
    const app = await createApp(store.db, null);
    assert.deepEqual(await service.getSettings(app.id), {
      url: null,
      webhook_secret: app.webhook_secret,
    });
    assert.match(app.webhook_secret, /^whsec_/);

    await service.setWebhookUrl(app.id, 'https://example.com/hooks?source=tiller');
    assert.equal(
      (await service.getSettings(app.id)).url,
      'https://example.com/hooks?source=tiller',
    );

    for (const bad of [
      'example.com/hook',
      'ftp://example.com/hook',
      'https://user:pw@example.com/hook',
      'nope',
    ]) {
      await assert.rejects(service.setWebhookUrl(app.id, bad), rejectsWith('bad_request'), bad);
    }
    assert.equal(
      (await service.getSettings(app.id)).url,
      'https://example.com/hooks?source=tiller',
      'unchanged',
    );

    assert.equal((await service.setWebhookUrl(app.id, null)).url, null);
    await service.setWebhookUrl(app.id, 'http://127.0.0.1:9/x');
    assert.equal((await service.setWebhookUrl(app.id, '  ')).url, null, 'blank clears');
  });
});
