import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { JobRunner } from '../../src/queue/job-runner.ts';
import {
  claimJobs,
  batchedCompleter,
  insertJob,
  failJob,
  releaseJobs,
  retryDelayMs,
  type RetryPolicy,
} from '../../src/queue/jobs.ts';
import { WorkerRegistry } from '../../src/queue/workers.ts';
import { reclaimJobs } from '../../src/queue/jobs.ts';
import type { Queryable } from '../../src/store/db.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { capturedLog } from '../helpers/log-capture.ts';
import { waitFor } from '../helpers/server.ts';

const log = createLogger({ level: 'silent', logPii: false });
const fast: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
/** These tests run on the wall clock: raw rows, due now unless told otherwise. */
const enqueue = (
  tx: Queryable,
  queue: string,
  payload: Record<string, unknown>,
  options: { runAt?: Date; key?: string; maxAttempts?: number } = {},
) => insertJob(tx, queue, payload, { runAt: new Date(), ...options });

describe(`generic job queue (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(() => store.close());
  beforeEach(async () => {
    await store.db.query('DELETE FROM jobs');
    await store.db.query('DELETE FROM workers');
  });

  const count = async (where = 'true') =>
    (await store.db.query<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE ${where}`))[0]!.n;

  it('enqueues only when the surrounding transaction commits', async () => {
    await store.db
      .transaction(async (tx) => {
        await enqueue(tx, 'q', { n: 1 });
        throw new Error('business write failed');
      })
      .catch(() => {});
    assert.equal(await count(), 0);
    await store.db.transaction((tx) => enqueue(tx, 'q', { n: 2 }));
    assert.equal(await count(), 1);
  });

  it('adds a keyed job once', async () => {
    await store.db.transaction(async (tx) => {
      await enqueue(tx, 'q', {}, { key: 'k1' });
      await enqueue(tx, 'q', {}, { key: 'k1' });
    });
    assert.equal(await count(), 1);
  });

  it('never gives one job to two workers', async () => {
    await store.db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await enqueue(tx, 'q', { i });
    });
    const [a, b] = await Promise.all([
      claimJobs(store.db, 'w-a', ['q'], 25, new Date()),
      claimJobs(store.db, 'w-b', ['q'], 25, new Date()),
    ]);
    const ids = [...a, ...b].map((j) => j.id);
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40);
    assert.deepEqual(await claimJobs(store.db, 'w-c', ['q'], 10, new Date()), []);
  });

  it('does not hand out jobs before their run_at or of other queues', async () => {
    await store.db.transaction(async (tx) => {
      await enqueue(tx, 'q', {}, { runAt: new Date(Date.now() + 60_000) });
      await enqueue(tx, 'other', {});
    });
    assert.deepEqual(await claimJobs(store.db, 'w', ['q'], 10, new Date()), []);
  });

  it('retries a failed job after its backoff and parks it after the last attempt', async () => {
    await store.db.transaction((tx) => enqueue(tx, 'q', {}, { maxAttempts: 2 }));
    const [first] = await claimJobs(store.db, 'w', ['q'], 1, new Date());
    assert.equal(first!.attempts, 1);
    await failJob(store.db, first!, 'w', 'boom 1', fast, new Date());
    const [second] = await waitFor('the retry', async () => {
      const got = await claimJobs(store.db, 'w', ['q'], 1, new Date());
      return got.length ? got : undefined;
    });
    assert.equal(second!.attempts, 2);
    await failJob(store.db, second!, 'w', 'boom 2', fast, new Date());
    assert.equal(await count('failed_at IS NOT NULL'), 1);
    const [row] = await store.db.query<{ last_error: string }>('SELECT last_error FROM jobs');
    assert.equal(row!.last_error, 'boom 2');
    assert.deepEqual(await claimJobs(store.db, 'w', ['q'], 1, new Date()), []);
  });

  it('completes the jobs finished in one turn together, and only its own claims', async () => {
    await store.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await enqueue(tx, 'q', { i });
    });
    const mine = await claimJobs(store.db, 'w', ['q'], 4, new Date());
    const theirs = await claimJobs(store.db, 'x', ['q'], 1, new Date());
    const complete = batchedCompleter(store.db, 'w');
    await Promise.all([...mine, ...theirs].map((job) => complete(job)));
    const left = await store.db.query<{ locked_by: string }>('SELECT locked_by FROM jobs');
    assert.deepEqual(
      left.map((j) => j.locked_by),
      ['x'],
    );
  });

  it('grows the backoff exponentially up to its cap', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 5000 };
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayMs(policy, n)),
      [1000, 2000, 4000, 5000],
    );
  });

  it('hands back claimed jobs on shutdown without counting the attempt', async () => {
    await store.db.transaction((tx) => enqueue(tx, 'q', {}));
    await claimJobs(store.db, 'w', ['q'], 1, new Date());
    await releaseJobs(store.db, 'w');
    const [again] = await claimJobs(store.db, 'w2', ['q'], 1, new Date());
    assert.equal(again!.attempts, 1);
    await batchedCompleter(store.db, 'w2')(again!);
    assert.equal(await count(), 0);
  });

  it('reclaims the jobs of a worker that stopped beating', async () => {
    const dead = new WorkerRegistry(store.db);
    await dead.beat(); // no row yet: insert it the way start() does, then let it go silent
    await store.db.query(
      "INSERT INTO workers (id, seen_at) VALUES ($1, now() - interval '1 hour')",
      [dead.id],
    );
    await store.db.transaction((tx) => enqueue(tx, 'q', {}));
    await claimJobs(store.db, dead.id, ['q'], 1, new Date());
    assert.deepEqual(await claimJobs(store.db, 'other', ['q'], 1, new Date()), []);

    const live = new WorkerRegistry(store.db, { deadAfterMs: 30_000 });
    live.addReclaimer(reclaimJobs);
    await store.db.query('INSERT INTO workers (id) VALUES ($1)', [live.id]);
    assert.deepEqual(await live.reap(30_000), [dead.id]);
    const [reclaimed] = await claimJobs(store.db, live.id, ['q'], 1, new Date());
    assert.ok(reclaimed, 'the job is claimable again');
  });

  it('runs a job as soon as it is enqueued (NOTIFY wake-up, polling disabled)', async () => {
    // Claims are counted as they finish: once the first (empty) one has, the loop sleeps on its
    // long poll and only the NOTIFY can wake it.
    let claims = 0;
    const counted: typeof store.db = {
      ...store.db,
      kind: store.db.kind,
      transaction: (fn) => store.db.transaction(fn),
      exec: (sql) => store.db.exec(sql),
      listen: (channel, onNotify) => store.db.listen(channel, onNotify),
      close: () => store.db.close(),
      async query(sql, params) {
        const rows = await store.db.query(sql, params);
        if (/UPDATE jobs SET locked_by = \$1, locked_at = now\(\), attempts/.test(sql)) claims += 1;
        return rows as never;
      },
    };
    const runner = new JobRunner(counted, 'runner', log);
    const seen: unknown[] = [];
    runner.register('wake', { run: async (job) => void seen.push(job.payload.n) });
    await runner.start({ capacity: 2, pollMs: 600_000 });
    try {
      await waitFor('the first claim', () => (claims > 0 ? true : undefined));
      await store.db.transaction((tx) => enqueue(tx, 'wake', { n: 7 }));
      await waitFor('the job to run', () => (seen.length ? seen : undefined), 10_000);
      assert.deepEqual(seen, [7]);
      await waitFor('the job to be completed', async () =>
        (await count()) === 0 ? true : undefined,
      );
    } finally {
      await runner.stop(1_000);
    }
  });

  it('claims across queues in one statement, each queue in turn, up to the limit', async () => {
    await store.db.transaction(async (tx) => {
      for (const n of [1, 2, 3]) await enqueue(tx, 'later', { n });
      for (const n of [4, 5]) await enqueue(tx, 'first', { n });
      await enqueue(tx, 'first', { n: 6 }, { runAt: new Date(Date.now() + 60_000) });
    });
    const claimed = await claimJobs(store.db, 'w', ['first', 'later'], 3, new Date());
    assert.deepEqual(claimed.map((j) => [j.queue, j.payload.n]).sort(), [
      ['first', 4],
      ['first', 5],
      ['later', 1],
    ]);
    assert.equal(await count('locked_by IS NULL'), 3, 'the rest are left for the next claim');
  });

  it('gives every queue its turn when one has a backlog', async () => {
    await store.db.transaction(async (tx) => {
      for (let n = 0; n < 20; n += 1) await enqueue(tx, 'busy', { n });
      await enqueue(tx, 'quiet', { n: 100 });
    });
    const claimed = await claimJobs(store.db, 'w', ['busy', 'quiet'], 4, new Date());
    assert.equal(claimed.length, 4);
    assert.deepEqual(
      claimed.filter((j) => j.queue === 'quiet').map((j) => j.payload.n),
      [100],
      'the quiet queue is not starved by the busy one',
    );
    await store.db.query(`DELETE FROM jobs WHERE queue IN ('busy', 'quiet')`);
  });

  it('completes a job in its handler’s transaction, or not at all when that rolls back', async () => {
    const runner = new JobRunner(store.db, 'runner-tx', log);
    const effects: number[] = [];
    runner.register('in-tx', {
      retry: fast,
      run: async (job, run) => {
        await store.db.transaction(async (tx) => {
          await run.completeIn?.(tx);
          // Its first run fails after completing: the completion is rolled back with it.
          if (job.attempts === 1) throw new Error('the effect could not be written');
          effects.push(Number(job.payload.n));
        });
      },
    });
    await store.db.transaction((tx) => enqueue(tx, 'in-tx', { n: 9 }, { maxAttempts: 3 }));
    await runner.start({ capacity: 1, pollMs: 20 });
    try {
      await waitFor('the job to be completed', async () =>
        (await count()) === 0 ? true : undefined,
      );
      assert.deepEqual(effects, [9]);
    } finally {
      await runner.stop(1_000);
    }
  });

  it('retries a throwing handler until it succeeds', async () => {
    const runner = new JobRunner(store.db, 'runner2', log);
    let calls = 0;
    runner.register('flaky', {
      retry: fast,
      run: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
      },
    });
    await store.db.transaction((tx) => enqueue(tx, 'flaky', {}, { maxAttempts: 5 }));
    await runner.start({ capacity: 1, pollMs: 20 });
    try {
      await waitFor('the job to be completed', async () =>
        (await count()) === 0 ? true : undefined,
      );
      assert.equal(calls, 3);
    } finally {
      await runner.stop(1_000);
    }
  });

  it('hands back on its next sweep a job whose failure it could not write', async () => {
    const { log: watched, has } = capturedLog('warn');
    const runner = new JobRunner(store.db, 'runner3', watched);
    let runs = 0;
    runner.register('stuck', {
      retry: fast,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
      },
    });
    // The database refuses to record the failure (failJob sets last_error): the job stays locked.
    await store.db.exec(`
      CREATE OR REPLACE FUNCTION refuse_job_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected: job failure refused'; END $$;
      CREATE TRIGGER refuse_job_failure BEFORE UPDATE ON jobs FOR EACH ROW
        WHEN (NEW.last_error IS DISTINCT FROM OLD.last_error) EXECUTE FUNCTION refuse_job_failure();`);
    await store.db.transaction((tx) => enqueue(tx, 'stuck', {}, { maxAttempts: 5 }));
    await runner.start({ capacity: 1, pollMs: 20 });
    try {
      await waitFor('the failure write to fail', () =>
        has('job loop error').length > 0 ? true : undefined,
      );
      assert.equal(await count(`locked_by = 'runner3'`), 1, 'locked by a live worker');
      await runner.sweep();
      assert.ok(has('jobs locked by this worker but not running').length > 0);
      await waitFor('the job to run again and complete', async () =>
        (await count()) === 0 ? true : undefined,
      );
      assert.equal(runs, 2);
    } finally {
      await runner.stop(1_000);
      await store.db.exec('DROP TRIGGER refuse_job_failure ON jobs');
    }
  });

  it('says at start which queues hold jobs it has no handler for', async () => {
    const { log: watched, has } = capturedLog('warn');
    await store.db.transaction(async (tx) => {
      await enqueue(tx, 'nobody.handles', {});
      await enqueue(tx, 'nobody.handles', {});
    });
    const runner = new JobRunner(store.db, 'runner4', watched);
    runner.register('q', { run: async () => {} });
    await runner.start({ capacity: 1, pollMs: 20 });
    await runner.stop(1_000);
    const [warning] = has('jobs wait in a queue that this worker has no handler for');
    assert.equal(warning?.queue, 'nobody.handles');
    assert.equal(warning?.jobs, 2);
    assert.equal(await count(`queue = 'nobody.handles' AND locked_by IS NULL`), 2, 'never claimed');
  });
});
