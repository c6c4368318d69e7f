import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { recordEvents, type NewEvent } from '../../src/modules/webhooks/outbox.ts';
import { WebhookService } from '../../src/modules/webhooks/webhooks.service.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import {
  createApp,
  eventRow,
  startDeliverer,
  startReceiver,
  testConfig,
  waitFor,
  waitForStatus,
  type Received,
  type Receiver,
  type RunningDeliverer,
} from './harness.ts';

// Order of delivery (docs/webhooks.md): a barrier (task or plan event) reaches the receiver only
// after every earlier event of its group is settled; groups stay independent of each other.

const body = (r: Received) => JSON.parse(r.body) as { name: string };
const ok = (status: number) => status >= 200 && status < 300;

interface Exchange {
  name: string;
  status: number;
}

/**
 * A receiver that logs, in arrival order, each request's event name and the status it answered;
 * `fail(name, seen)` decides whether to answer 500 (`seen`: earlier requests for that name).
 */
async function orderedReceiver(fail: (name: string, seen: number) => boolean) {
  const log: Exchange[] = [];
  // The answer depends on the request, which the receiver has already stored when it asks.
  const started: { hook?: Receiver } = {};
  const hook = await startReceiver((n) => {
    const name = body(started.hook!.requests[n - 1]!).name;
    const seen = log.filter((e) => e.name === name).length;
    const status = fail(name, seen) ? 500 : 200;
    log.push({ name, status });
    return { status };
  });
  started.hook = hook;
  return { hook, log };
}

/** Position of the successful delivery of `name` in the log (-1: none yet). */
const deliveredAt = (log: Exchange[], name: string) =>
  log.findIndex((e) => e.name === name && ok(e.status));

describe(`webhook delivery order (${storeKind})`, () => {
  let store: TestStore;
  let running: RunningDeliverer | undefined;
  const receivers: Receiver[] = [];

  before(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    for (const r of receivers.splice(0)) await r.close();
  });
  after(() => store.close());

  const event = (appId: number, name: string, group: string, barrier = false): NewEvent => ({
    appId,
    type: barrier ? 'task' : 'call',
    subjectId: newId(),
    payload: { name },
    group,
    barrier,
  });
  const record = (events: NewEvent[]) => store.db.transaction((tx) => recordEvents(tx, events));

  it('delivers the task event after every call event of its task, even when the calls are retried', async () => {
    // Each call event fails its first two attempts; the task event would otherwise go first.
    const { hook, log } = await orderedReceiver(
      (name, seen) => name.startsWith('call') && seen < 2,
    );
    receivers.push(hook);
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 5 }));
    const task = newId();
    const ids = await record([
      event(app.id, 'call-1', task),
      event(app.id, 'call-2', task),
      event(app.id, 'call-3', task),
      event(app.id, 'task', task, true),
    ]);

    await waitForStatus(store.db, ids[3]!, 'delivered');
    const taskAt = deliveredAt(log, 'task');
    for (const call of ['call-1', 'call-2', 'call-3']) {
      const at = deliveredAt(log, call);
      assert.ok(
        at >= 0 && at < taskAt,
        `${call} delivered before the task event: ${JSON.stringify(log)}`,
      );
    }
    assert.equal(log.filter((e) => e.name === 'task').length, 1, 'the task event was sent once');
    // The calls stayed concurrent with each other: all three first attempts came before any retry.
    assert.deepEqual(
      log.slice(0, 3).map((e) => e.status),
      [500, 500, 500],
    );
  });

  it("keeps tasks independent: one task's failing calls hold only its own task event", async () => {
    let slowDown = true;
    const { hook, log } = await orderedReceiver((name) => slowDown && name === 'slow-call');
    receivers.push(hook);
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1_000 }));
    const slow = newId();
    const fast = newId();
    const [, slowTask] = await record([
      event(app.id, 'slow-call', slow),
      event(app.id, 'slow-task', slow, true),
    ]);
    const [, fastTask] = await record([
      event(app.id, 'fast-call', fast),
      event(app.id, 'fast-task', fast, true),
    ]);

    await waitForStatus(store.db, fastTask!, 'delivered');
    // Wait for a retry of the slow call after the fast task went: the slow task is still held.
    const fastAt = deliveredAt(log, 'fast-task');
    await waitFor('a retry of the slow call', () =>
      log.slice(fastAt).some((e) => e.name === 'slow-call'),
    );
    assert.equal(deliveredAt(log, 'slow-task'), -1);
    assert.equal((await eventRow(store.db, slowTask!)).status, 'pending');

    slowDown = false;
    await waitForStatus(store.db, slowTask!, 'delivered');
    assert.ok(deliveredAt(log, 'slow-call') < deliveredAt(log, 'slow-task'));
  });

  it('lets a barrier go once an earlier event has finally failed', async () => {
    const { hook, log } = await orderedReceiver((name) => name === 'call');
    receivers.push(hook);
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 2 }));
    const task = newId();
    const [call, done] = await record([
      event(app.id, 'call', task),
      event(app.id, 'task', task, true),
    ]);

    await waitForStatus(store.db, done!, 'delivered');
    assert.equal((await eventRow(store.db, call!)).status, 'failed');
    assert.deepEqual(
      log.map((e) => e.name),
      ['call', 'call', 'call', 'task'],
    );
  });

  it("delivers the plan event after its rounds' call and task events", async () => {
    const { hook, log } = await orderedReceiver((name, seen) => name.startsWith('r') && seen < 1);
    receivers.push(hook);
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 5 }));
    const plan = newId();
    const ids = await record([
      event(app.id, 'r1-call-1', plan),
      event(app.id, 'r1-call-2', plan),
      event(app.id, 'r1-task', plan, true),
      event(app.id, 'r2-call-1', plan),
      event(app.id, 'r2-task', plan, true),
      { ...event(app.id, 'plan', plan, true), type: 'plan' },
    ]);

    await waitForStatus(store.db, ids.at(-1)!, 'delivered');
    const order = ['r1-call-1', 'r1-call-2', 'r1-task', 'r2-call-1', 'r2-task', 'plan'];
    const at = order.map((name) => deliveredAt(log, name));
    assert.ok(
      at.every((position) => position >= 0),
      JSON.stringify(log),
    );
    assert.ok(at[0]! < at[2]! && at[1]! < at[2]!, 'round 1 calls before round 1 task');
    assert.ok(at[2]! < at[4]! && at[3]! < at[4]!, 'round 2 before its task');
    assert.ok(at[4]! < at[5]!, 'plan last');
  });

  it('resends an old event outside the order: it neither waits for nor holds back a barrier', async () => {
    let oldCallDown = false;
    const { hook, log } = await orderedReceiver((name) => oldCallDown && name === 'old-call');
    receivers.push(hook);
    const app = await createApp(store.db, hook.url);
    running = await startDeliverer(store.db, testConfig({ webhookMaxRetries: 1_000 }));
    const plan = newId();
    const [oldCall, oldTask] = await record([
      event(app.id, 'old-call', plan),
      event(app.id, 'old-task', plan, true),
    ]);
    await waitForStatus(store.db, oldTask!, 'delivered');

    // The receiver is down for the old call; it is resent and retried, and then the plan ends.
    oldCallDown = true;
    const webhooks = new WebhookService(store.db);
    await webhooks.resend(app.id, oldCall!);
    await waitFor('the resend to be retried', () =>
      log.some((e) => e.name === 'old-call' && e.status === 500),
    );
    const [planEvent] = await record([{ ...event(app.id, 'plan', plan, true), type: 'plan' }]);

    await waitForStatus(store.db, planEvent!, 'delivered');
    assert.equal((await eventRow(store.db, oldCall!)).status, 'pending', 'still being retried');
    // And a resent barrier goes at once, whatever is pending in its group.
    await webhooks.resend(app.id, oldTask!);
    await waitForStatus(store.db, oldTask!, 'delivered');
    assert.equal((await eventRow(store.db, oldCall!)).status, 'pending');
  });
});
