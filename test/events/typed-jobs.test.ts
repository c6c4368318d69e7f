import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { jobsCommand } from '../../src/cli/jobs-command.ts';
import { runAdminOperation, type AdminContext } from '../../src/modules/admin/admin-operations.ts';
import { PLAN_ADVANCE } from '../../src/modules/plans/plans.jobs.ts';
import { TASK_END } from '../../src/modules/tasks/tasks.jobs.ts';
import { JobAdmin } from '../../src/queue/job-admin.ts';
import { JobRunner } from '../../src/queue/job-runner.ts';
import {
  defineJob,
  enqueue,
  handleJob,
  intField,
  PermanentJobError,
  textField,
} from '../../src/queue/job-types.ts';
import { claimJobs } from '../../src/queue/jobs.ts';
import { jitteredDelayMs, retryDelayMs } from '../../src/queue/retry.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { waitFor } from '../helpers/server.ts';

// Typed jobs (docs/jobs.md): a registered type runs its handler with its payload, old-shaped rows
// still run, a PermanentJobError parks the job at once and `tiller jobs retry` runs it again, and
// due times are on the business clock.

const log = createLogger({ level: 'silent', logPii: false });
const DAY = 86_400_000;

describe(`typed jobs (${storeKind})`, () => {
  let store: TestStore;
  let runner: JobRunner | undefined;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await runner?.stop(1_000);
    await store.close();
  });
  beforeEach(async () => {
    await runner?.stop(1_000);
    runner = undefined;
    await store.db.query('DELETE FROM jobs');
  });

  const rows = (queue: string) =>
    store.db.query<{ id: number; attempts: number; failed_at: Date | null; last_error: string }>(
      'SELECT id, attempts, failed_at, last_error FROM jobs WHERE queue = $1',
      [queue],
    );

  it('runs the handler of a registered type with its payload', async () => {
    const ORDER = defineJob<{ order_id: string; lines: number }>('test.order', {
      decode: (stored) => ({
        order_id: textField(stored, 'order_id'),
        lines: intField(stored, 'lines'),
      }),
    });
    const seen: Array<{ order_id: string; lines: number }> = [];
    const clock = new ManualClock();
    runner = new JobRunner(store.db, 'typed-1', log, clock);
    runner.add(handleJob(ORDER, async (payload) => void seen.push(payload)));
    await runner.start({ capacity: 2, pollMs: 20 });
    await store.db.transaction((tx) =>
      enqueue(tx, ORDER, { order_id: 'o-7', lines: 3 }, { runAt: clock.now() }),
    );
    await waitFor('the handler', () => (seen.length > 0 ? seen : undefined));
    assert.deepEqual(seen, [{ order_id: 'o-7', lines: 3 }]);
  });

  it('runs jobs that an older version queued, with their stored payload keys', async () => {
    // Rows as the version before typed jobs wrote them: run_at from the database, round as the
    // number it was, task_id as text.
    await store.db.query(
      `INSERT INTO jobs (queue, payload, key) VALUES
         ('plan.advance', '{"plan_id": "p-old", "round": 2}', 'plan.advance:p-old:2'),
         ('task.end', '{"task_id": "t-old"}', 'task.end:t-old')`,
    );
    const seen: unknown[] = [];
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    runner = new JobRunner(store.db, 'typed-2', log, clock);
    runner.add(handleJob(PLAN_ADVANCE, async (payload) => void seen.push(payload)));
    runner.add(handleJob(TASK_END, async (payload) => void seen.push(payload)));
    await runner.start({ capacity: 2, pollMs: 20 });
    await waitFor('both old jobs', () => (seen.length === 2 ? seen : undefined));
    assert.deepEqual(
      seen.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [{ plan_id: 'p-old', round: 2 }, { task_id: 't-old' }],
    );
  });

  it('parks a job whose stored payload cannot be read, on its first run', async () => {
    await store.db.query(`INSERT INTO jobs (queue, payload) VALUES ('plan.advance', '{}')`);
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    runner = new JobRunner(store.db, 'typed-3', log, clock);
    runner.add(handleJob(PLAN_ADVANCE, async () => assert.fail('must not run')));
    await runner.start({ capacity: 1, pollMs: 20 });
    const [parked] = await waitFor('the job to be parked', async () => {
      const found = await rows('plan.advance');
      return found[0]?.failed_at ? found : undefined;
    });
    assert.equal(parked!.attempts, 1);
    assert.match(parked!.last_error, /the payload has no "plan_id"/);
  });

  it('parks a PermanentJobError at once, lists it, and runs it again on `tiller jobs retry`', async () => {
    const SEND = defineJob<{ to: string }>('test.send', {
      decode: (stored) => ({ to: textField(stored, 'to') }),
    });
    let runs = 0;
    const clock = new ManualClock();
    runner = new JobRunner(store.db, 'typed-4', log, clock);
    runner.add(
      handleJob(SEND, async () => {
        runs += 1;
        if (runs === 1) throw new PermanentJobError('the address is refused');
      }),
    );
    await runner.start({ capacity: 1, pollMs: 20 });
    await store.db.transaction((tx) =>
      enqueue(tx, SEND, { to: 'ops@example.com' }, { runAt: clock.now() }),
    );
    const [parked] = await waitFor('the job to be parked', async () => {
      const found = await rows('test.send');
      return found[0]?.failed_at ? found : undefined;
    });
    // Parked on the first failure, although its type allows ten attempts.
    assert.equal(parked!.attempts, 1);
    assert.equal(parked!.last_error, 'the address is refused');
    assert.equal(runs, 1);

    // What `tiller jobs failed` and `tiller jobs retry` run, through the admin operations.
    const context = { jobs: new JobAdmin(store.db, clock) } as unknown as AdminContext;
    const admin = async (
      fn: (run: (op: string, input: object) => Promise<unknown>) => Promise<void>,
    ) => fn((op, input) => runAdminOperation(context, op, input));
    const listed = (await runAdminOperation(context, 'jobs.failed', {})) as {
      jobs: Array<{ id: number; queue: string; last_error: string; payload: unknown }>;
    };
    assert.deepEqual(
      listed.jobs.map((j) => [j.id, j.queue, j.last_error, j.payload]),
      [[parked!.id, 'test.send', 'the address is refused', { to: 'ops@example.com' }]],
    );
    const printed: string[] = [];
    const print = console.log;
    console.log = (line: string) => void printed.push(line);
    try {
      assert.equal(await jobsCommand(['retry', String(parked!.id)], admin), 0);
    } finally {
      console.log = print;
    }
    assert.deepEqual(printed, [`retrying job ${parked!.id}`]);
    await waitFor('the second run to complete', async () =>
      (await rows('test.send')).length === 0 ? true : undefined,
    );
    assert.equal(runs, 2);
  });

  it('answers exit code 1 for an id that is not a parked job', async () => {
    const context = { jobs: new JobAdmin(store.db, new ManualClock()) } as unknown as AdminContext;
    const admin = async (
      fn: (run: (op: string, input: object) => Promise<unknown>) => Promise<void>,
    ) => fn((op, input) => runAdminOperation(context, op, input));
    const error = console.error;
    const printed: string[] = [];
    console.error = (line: string) => void printed.push(line);
    try {
      assert.equal(await jobsCommand(['retry', '424242'], admin), 1);
    } finally {
      console.error = error;
    }
    assert.deepEqual(printed, ['tiller: job 424242 is not a parked job']);
  });

  it('runs a job due tomorrow on the business clock once that clock passes it, not the wall clock', async () => {
    const TIMER = defineJob<{ n: number }>('test.timer', {
      decode: (stored) => ({ n: intField(stored, 'n') }),
    });
    // A simulated clock a week ahead of the wall clock; the job is due a day after its now.
    const clock = new ManualClock(new Date(Date.now() + 7 * DAY));
    await store.db.transaction((tx) =>
      enqueue(tx, TIMER, { n: 1 }, { runAt: new Date(clock.now().getTime() + DAY) }),
    );
    // Not due at the business now (a claim finds nothing), though far past the wall clock's.
    assert.deepEqual(await claimJobs(store.db, 'probe', ['test.timer'], 1, clock.now()), []);
    const seen: number[] = [];
    runner = new JobRunner(store.db, 'typed-5', log, clock);
    runner.add(handleJob(TIMER, async ({ n }) => void seen.push(n)));
    await runner.start({ capacity: 1, pollMs: 20 });
    clock.advance(DAY);
    await waitFor('the job to run', () => (seen.length > 0 ? seen : undefined));
    assert.deepEqual(seen, [1]);
  });

  it('waits a random time up to the exponential ceiling before a retry (full jitter)', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    assert.equal(
      jitteredDelayMs(policy, 3, () => 0),
      0,
    );
    assert.equal(
      jitteredDelayMs(policy, 3, () => 0.5),
      2_000,
    );
    assert.equal(
      jitteredDelayMs(policy, 3, () => 0.9999999),
      retryDelayMs(policy, 3),
    );
    assert.equal(
      jitteredDelayMs(policy, 9, () => 0.9999999),
      5_000,
    );
  });
});
