import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PLAN_ADVANCE, planRounds } from '../../src/modules/plans/plans.jobs.ts';
import { PLAN_FINISHED } from '../../src/modules/plans/plan-events.ts';
import {
  CALL_FINAL,
  TASK_FINISHED,
  type TaskFinished,
} from '../../src/modules/tasks/task-events.ts';
import type { TaskRow } from '../../src/modules/tasks/tasks.repository.ts';
import { subscribeModules } from '../../src/modules/wiring.ts';
import type { ChatbotService } from '../../src/modules/chatbot/chatbot.service.ts';
import { MESSAGE_RECEIVED } from '../../src/modules/messaging/messaging-events.ts';
import {
  defineEvent,
  EventBus,
  subscriberJobKey,
  type DomainEvent,
} from '../../src/queue/domain-events.ts';
import { runOnce } from '../../src/queue/event-receipts.ts';
import { JobRunner } from '../../src/queue/job-runner.ts';
import { defineJob, handleJob, textField } from '../../src/queue/job-types.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Queryable } from '../../src/store/db.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { waitFor } from '../helpers/server.ts';

// Domain events (docs/domain-events.md): published in the transaction of the change, fanned out
// to in-transaction subscribers and to job subscribers, each event reaching each subscriber once.

const log = createLogger({ level: process.env.TEST_LOG ? 'warn' : 'silent', logPii: false });

interface Shipped {
  orderId: string;
}
const SHIPPED = defineEvent<Shipped>('test.shipped');
const NOTIFY_CUSTOMER = defineJob<{ order_id: string }>('test.notify-customer', {
  decode: (stored) => ({ order_id: textField(stored, 'order_id') }),
});

describe(`domain events (${storeKind})`, () => {
  let store: TestStore;
  let runner: JobRunner | undefined;
  before(async () => {
    store = await openTestStore();
    await store.db.exec(
      'CREATE TABLE test_effects (subscriber text NOT NULL, order_id text NOT NULL)',
    );
  });
  after(async () => {
    await runner?.stop(1_000);
    await store.close();
  });
  beforeEach(async () => {
    await runner?.stop(1_000);
    runner = undefined;
    await store.db.query('DELETE FROM jobs');
    await store.db.query('DELETE FROM test_effects');
  });

  const effects = (subscriber: string) =>
    store.db.query<{ order_id: string }>(
      'SELECT order_id FROM test_effects WHERE subscriber = $1 ORDER BY order_id',
      [subscriber],
    );
  const jobs = () =>
    store.db.query<{ queue: string; payload: unknown; key: string }>(
      'SELECT queue, payload, key FROM jobs ORDER BY id',
    );

  /** A bus with one subscriber of each kind: a row in the transaction, and a job. */
  function busWithSubscribers(batches: Array<readonly DomainEvent<Shipped>[]> = []) {
    const bus = new EventBus();
    bus.inTransaction(SHIPPED, {
      name: 'ledger',
      async handle(tx, events) {
        batches.push(events);
        for (const { data } of events) {
          await tx.query(`INSERT INTO test_effects VALUES ('ledger', $1)`, [data.orderId]);
        }
      },
    });
    bus.viaJob(SHIPPED, {
      name: 'customer',
      job: NOTIFY_CUSTOMER,
      select: ({ data }) => ({ order_id: data.orderId }),
    });
    return bus;
  }

  const shipped = (orderId: string): DomainEvent<Shipped> => ({ id: orderId, data: { orderId } });

  it('reaches no subscriber when the transaction that published it rolls back', async () => {
    const bus = busWithSubscribers();
    await assert.rejects(
      store.db.transaction(async (tx) => {
        await bus.publish(tx, SHIPPED, [shipped('o-1')], new Date());
        throw new Error('the change that caused it failed');
      }),
      /the change that caused it failed/,
    );
    assert.deepEqual(await effects('ledger'), []);
    assert.deepEqual(await jobs(), []);

    // The same publish, committed, reaches both.
    await store.db.transaction((tx) => bus.publish(tx, SHIPPED, [shipped('o-1')], new Date()));
    assert.deepEqual(await effects('ledger'), [{ order_id: 'o-1' }]);
    assert.deepEqual(await jobs(), [
      {
        queue: 'test.notify-customer',
        payload: { order_id: 'o-1' },
        key: subscriberJobKey('customer', 'o-1'),
      },
    ]);
  });

  it('hands an in-transaction subscriber the whole batch at once, and makes one job per event', async () => {
    const batches: Array<readonly DomainEvent<Shipped>[]> = [];
    const bus = busWithSubscribers(batches);
    await store.db.transaction((tx) =>
      bus.publish(tx, SHIPPED, [shipped('o-1'), shipped('o-2'), shipped('o-3')], new Date()),
    );
    assert.equal(batches.length, 1);
    assert.deepEqual(
      batches[0]!.map((e) => e.id),
      ['o-1', 'o-2', 'o-3'],
    );
    // Published again while the first jobs wait: the keys keep one job per event and subscriber.
    await store.db.transaction((tx) => bus.publish(tx, SHIPPED, [shipped('o-2')], new Date()));
    assert.deepEqual(
      (await jobs()).map((j) => j.key),
      ['customer:o-1', 'customer:o-2', 'customer:o-3'],
    );
  });

  it('reaches a job subscriber exactly once even when its job runs again', async () => {
    const bus = busWithSubscribers();
    let runs = 0;
    const clock = new ManualClock();
    runner = new JobRunner(store.db, 'events-1', log, clock);
    const notifyOnce = runOnce(store.db, async (tx: Queryable, payload: { order_id: string }) => {
      await tx.query(`INSERT INTO test_effects VALUES ('customer', $1)`, [payload.order_id]);
    });
    // Counts every run, effect or not, to see that the later runs did happen.
    runner.add(
      handleJob(NOTIFY_CUSTOMER, async (payload, job) => {
        runs += 1;
        await notifyOnce(payload, job);
      }),
    );
    await runner.start({ capacity: 1, pollMs: 20 });
    const publish = () =>
      store.db.transaction((tx) => bus.publish(tx, SHIPPED, [shipped('o-9')], clock.now()));
    const drained = () =>
      waitFor('the job to complete', async () => ((await jobs()).length === 0 ? true : undefined));

    await publish();
    await drained();
    // The job runs again: the event published a second time after its job was gone, and the same
    // job row put back as a lost completion would leave it.
    await publish();
    await drained();
    await store.db.query(`INSERT INTO jobs (queue, payload, key, run_at) VALUES ($1, $2, $3, $4)`, [
      NOTIFY_CUSTOMER.queue,
      { order_id: 'o-9' },
      subscriberJobKey('customer', 'o-9'),
      clock.now(),
    ]);
    await drained();
    const [receipts] = await store.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM event_receipts WHERE key = $1',
      [subscriberJobKey('customer', 'o-9')],
    );
    assert.equal(runs, 3, 'the job ran three times');
    assert.equal(receipts!.n, 1, 'one receipt');
    assert.deepEqual(await effects('customer'), [{ order_id: 'o-9' }]);
  });

  it('subscribes plan rounds to task.finished, and the webhooks to every event', () => {
    const bus = new EventBus();
    const deps = { chatbot: {} as ChatbotService };
    subscribeModules(bus, deps);
    subscribeModules(bus, deps); // a second runtime in the process replaces, never doubles
    assert.deepEqual(bus.subscribersOf(TASK_FINISHED), [
      'webhooks.task',
      'plan.advance',
      'webhooks.pds_task',
    ]);
    assert.deepEqual(bus.subscribersOf(CALL_FINAL), ['webhooks.call', 'workflows.calls']);
    assert.deepEqual(bus.subscribersOf(PLAN_FINISHED), ['webhooks.plan']);
    assert.deepEqual(bus.subscribersOf(MESSAGE_RECEIVED), [
      'chatbot.turn',
      'workflows.template_replies',
    ]);
  });

  it('runs an eager job subscriber in the publisher’s transaction, with no job', async () => {
    const bus = new EventBus();
    bus.eagerJob(SHIPPED, {
      name: 'customer',
      job: NOTIFY_CUSTOMER,
      select: ({ data }) => ({ order_id: data.orderId }),
      run: async (tx, { order_id }) => {
        await tx.query(`INSERT INTO test_effects VALUES ('customer', $1)`, [order_id]);
      },
    });
    await assert.rejects(
      store.db.transaction(async (tx) => {
        await bus.publish(tx, SHIPPED, [shipped('o-1')], new Date());
        throw new Error('the change that caused it failed');
      }),
    );
    assert.deepEqual(await effects('customer'), [], 'rolled back with the publisher');
    await store.db.transaction((tx) =>
      bus.publish(tx, SHIPPED, [shipped('o-1'), shipped('o-2')], new Date()),
    );
    assert.deepEqual(await effects('customer'), [{ order_id: 'o-1' }, { order_id: 'o-2' }]);
    assert.deepEqual(await jobs(), []);
  });

  it('undoes an eager try that throws and enqueues its jobs instead, keeping the publisher’s change', async () => {
    const bus = new EventBus();
    bus.eagerJob(SHIPPED, {
      name: 'customer',
      job: NOTIFY_CUSTOMER,
      select: ({ data }) => ({ order_id: data.orderId }),
      run: async (tx, { order_id }) => {
        await tx.query(`INSERT INTO test_effects VALUES ('customer', $1)`, [order_id]);
        if (order_id === 'o-2') {
          // A failing statement: without the savepoint the whole transaction would be refused.
          await tx.query('SELECT 1 / 0');
        }
      },
    });
    await store.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO test_effects VALUES ('publisher', 'o-0')`);
      await bus.publish(tx, SHIPPED, [shipped('o-1'), shipped('o-2')], new Date());
      await bus.publish(tx, SHIPPED, [shipped('o-3')], new Date());
    });
    assert.deepEqual(await effects('publisher'), [{ order_id: 'o-0' }]);
    // The publish whose try threw is undone as a whole and left to its jobs; the next one ran.
    assert.deepEqual(await effects('customer'), [{ order_id: 'o-3' }]);
    assert.deepEqual(
      (await jobs()).map((j) => [j.queue, j.payload, j.key]),
      ['o-1', 'o-2'].map((id) => [
        'test.notify-customer',
        { order_id: id },
        subscriberJobKey('customer', id),
      ]),
    );
  });

  it('enqueues the plan.advance job for a finished task with a plan as its parent, and none without', async () => {
    const bus = new EventBus();
    bus.viaJob(TASK_FINISHED, planRounds);
    const finished = (id: string, parent: TaskFinished['parent']): DomainEvent<TaskFinished> => ({
      id,
      data: {
        task: { id } as TaskRow,
        parent,
        counts: { total_count: 1, called_count: 1, connected_count: 0 },
        zone: 'UTC',
      },
    });
    await store.db.transaction((tx) =>
      bus.publish(
        tx,
        TASK_FINISHED,
        [
          finished('t-alone', null),
          finished('t-round', { kind: 'plan', id: 'p-1', step: 2 }),
          // A workflow's node task is none of the plans' business.
          finished('t-node', { kind: 'workflow', id: 'w-1', step: 0 }),
        ],
        new Date(),
      ),
    );
    assert.deepEqual(await jobs(), [
      {
        queue: PLAN_ADVANCE.queue,
        payload: { plan_id: 'p-1', round: 2 },
        key: subscriberJobKey('plan.advance', 't-round'),
      },
    ]);
  });
});
