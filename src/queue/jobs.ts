import type { Queryable } from '../store/db.ts';
import { notify } from '../store/db.ts';
import { tickBatcher } from '../shared/tick-batcher.ts';
import { defaultRetry, jitteredDelayMs, type RetryPolicy } from './retry.ts';
import { ownerIsGone } from './workers.ts';

// Generic durable jobs (timers and one-off work): the rows and their SQL. Modules do not call
// this file directly; they define typed jobs (job-types.ts) and enqueue those. Enqueue inside the
// business transaction; claims use FOR UPDATE SKIP LOCKED so any number of workers share one
// table. Due times (run_at) are on the business clock: every insert names its runAt (computed
// from the caller's clock) and every claim compares with the runner's clock, so a simulated clock
// runs timers fast too and never mixes with the wall clock.

export { defaultRetry, retryDelayMs, type RetryPolicy } from './retry.ts';

export const JOBS_CHANNEL = 'tiller_jobs';

export interface Job {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  /** The key it was enqueued with (one job per key while it exists); null: none. */
  key: string | null;
}

export interface InsertOptions {
  /**
   * When it is due, on the business clock (clock.now() or a time computed from it). Required:
   * a default from the wall clock or the database's now() would disagree with a simulated
   * clock, and with the claims' whole milliseconds.
   */
  runAt: Date;
  /** A job with the same key is not added twice while it exists. */
  key?: string;
  maxAttempts?: number;
  /** false: no NOTIFY to the runners (a timer far ahead; their poll finds it when due). */
  wake?: boolean;
}

/** Adds one job row; typed callers go through enqueue (job-types.ts). */
export async function insertJob(
  tx: Queryable,
  queue: string,
  payload: Record<string, unknown>,
  options: InsertOptions,
): Promise<void> {
  await tx.query(
    `INSERT INTO jobs (queue, payload, run_at, key, max_attempts)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key) DO NOTHING`,
    [
      queue,
      payload,
      options.runAt,
      options.key ?? null,
      options.maxAttempts ?? defaultRetry.maxAttempts,
    ],
  );
  if (options.wake !== false) await notify(tx, JOBS_CHANNEL, queue);
}

/** Adds several jobs of one queue with one statement (a domain event published for a batch). */
export async function insertJobs(
  tx: Queryable,
  queue: string,
  jobs: ReadonlyArray<{ payload: Record<string, unknown>; key?: string }>,
  options: { runAt: Date; maxAttempts?: number },
): Promise<void> {
  if (jobs.length === 0) return;
  await tx.query(
    `INSERT INTO jobs (queue, payload, run_at, key, max_attempts)
     SELECT $1, r.payload, $3, r.key, $4
     FROM jsonb_to_recordset($2::jsonb) AS r(payload jsonb, key text, n int)
     ORDER BY r.n
     ON CONFLICT (key) DO NOTHING`,
    [
      queue,
      JSON.stringify(jobs.map((j, n) => ({ n, payload: j.payload, key: j.key ?? null }))),
      options.runAt,
      options.maxAttempts ?? defaultRetry.maxAttempts,
    ],
  );
  await notify(tx, JOBS_CHANNEL, queue);
}

/**
 * Claims up to `limit` due jobs of the given queues in one statement, the queues in turn: the
 * oldest due job of each queue (in the order given), then the second of each, and so on, so a
 * queue with a backlog (a burst of provider statuses) never starves the others. Each queue is
 * read with `queue = q.name` in a lateral subquery, so the ready index yields its rows in run
 * order and stops at the limit (`= ANY(...)` made PostgreSQL sort the whole backlog,
 * docs/adr/0001-job-queue.md measured +40-70 %); one statement for all queues, where a claim
 * per queue cost a round trip each even when nothing was due.
 */
export async function claimJobs(
  q: Queryable,
  workerId: string,
  queues: string[],
  limit: number,
  /** The business clock's now: jobs due at or before it are claimed. */
  now: Date,
): Promise<Job[]> {
  if (queues.length === 0 || limit <= 0) return [];
  return q.query<Job>(
    `UPDATE jobs SET locked_by = $1, locked_at = now(), attempts = attempts + 1
     WHERE id IN (
       SELECT due.id
       FROM unnest($2::text[]) WITH ORDINALITY AS q(name, n)
       CROSS JOIN LATERAL (
         SELECT id, row_number() OVER (ORDER BY run_at, id) AS turn
         FROM (
           SELECT id, run_at FROM jobs
           WHERE queue = q.name AND locked_by IS NULL AND failed_at IS NULL AND run_at <= $4
             AND attempts < max_attempts
           ORDER BY run_at, id
           LIMIT $3
           FOR UPDATE SKIP LOCKED) locked) due
       ORDER BY due.turn, q.n
       LIMIT $3)
     RETURNING id, queue, payload, attempts, max_attempts, key`,
    [workerId, queues, limit, now],
  );
}

/** Completes one claimed job inside the transaction of its effect. */
export async function completeJobIn(tx: Queryable, id: number, workerId: string): Promise<void> {
  await tx.query('DELETE FROM jobs WHERE id = $1 AND locked_by = $2', [id, workerId]);
}

/**
 * Completes jobs in batches: the completions that arrive in one event-loop turn share one DELETE
 * (a statement per job was the largest cost left on the single-session embedded store).
 */
export function batchedCompleter(db: Queryable, workerId: string): (job: Job) => Promise<void> {
  return tickBatcher<Job>(async (jobs) => {
    await db.query('DELETE FROM jobs WHERE id = ANY($1::bigint[]) AND locked_by = $2', [
      jobs.map((j) => j.id),
      workerId,
    ]);
  });
}

/**
 * Schedules the next try after a jittered backoff, or parks the job as failed once it used all
 * its attempts. A parked job keeps its due time (not pushed by a backoff): `tiller jobs retry`
 * makes it due again at once.
 */
export async function failJob(
  q: Queryable,
  job: Job,
  workerId: string,
  error: string,
  policy: RetryPolicy,
  now: Date,
) {
  const delay = jitteredDelayMs(policy, job.attempts);
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_at = NULL, last_error = $3,
       run_at = CASE WHEN attempts >= max_attempts THEN run_at
                ELSE $5::timestamptz + make_interval(secs => $4::double precision / 1000) END,
       failed_at = CASE WHEN attempts >= max_attempts THEN now() END
     WHERE id = $1 AND locked_by = $2`,
    [job.id, workerId, error.slice(0, 2000), delay, now],
  );
}

/**
 * Parks a job as failed at once, whatever attempts it has left (its handler threw a
 * PermanentJobError: trying again cannot help). It stays visible with its error in
 * `tiller jobs failed` until someone runs it again (`tiller jobs retry`).
 */
export async function parkJob(q: Queryable, job: Job, workerId: string, error: string) {
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_at = NULL, last_error = $3, failed_at = now()
     WHERE id = $1 AND locked_by = $2`,
    [job.id, workerId, error.slice(0, 2000)],
  );
}

/** Gives a worker's claimed jobs back untouched (graceful shutdown): the run did not happen. */
export async function releaseJobs(q: Queryable, workerId: string): Promise<void> {
  await q.query(
    'UPDATE jobs SET locked_by = NULL, locked_at = NULL, attempts = greatest(attempts - 1, 0) WHERE locked_by = $1',
    [workerId],
  );
}

/**
 * Makes jobs of vanished workers claimable again; the interrupted run counts as an attempt, so a
 * job that kills its worker every time is parked as failed once its attempts are used up.
 */
export async function reclaimJobs(tx: Queryable): Promise<void> {
  await tx.query(
    `UPDATE jobs SET locked_by = NULL, locked_at = NULL,
       failed_at = CASE WHEN attempts >= max_attempts THEN now() END,
       last_error = CASE WHEN attempts >= max_attempts THEN 'its worker vanished during the last attempt'
                    ELSE last_error END
     WHERE ${ownerIsGone('locked_by')}`,
  );
}

/**
 * Hands back the jobs a live worker holds in the database but no longer runs (a completion or a
 * failure it could not write, a claim whose answer was lost): they are claimable again at once.
 * The run that may have happened counts as an attempt, as for a vanished worker. Returns their ids.
 */
export async function releaseStrayJobs(
  q: Queryable,
  workerId: string,
  running: readonly number[],
): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `UPDATE jobs SET locked_by = NULL, locked_at = NULL,
       failed_at = CASE WHEN attempts >= max_attempts THEN now() END
     WHERE locked_by = $1 AND NOT (id = ANY($2::bigint[]))
     RETURNING id`,
    [workerId, running],
  );
  return rows.map((r) => r.id);
}

/** Jobs waiting in queues outside `handled`, per queue: work that this worker will never run. */
export async function jobsOutside(
  q: Queryable,
  handled: readonly string[],
): Promise<Array<{ queue: string; jobs: number }>> {
  return q.query(
    `SELECT queue, count(*) AS jobs FROM jobs
     WHERE failed_at IS NULL AND NOT (queue = ANY($1::text[]))
     GROUP BY queue ORDER BY queue`,
    [handled],
  );
}
