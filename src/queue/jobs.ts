import type { Queryable } from '../store/db.ts';
import { notify } from '../store/db.ts';
import { tickBatcher } from '../shared/tick-batcher.ts';
import { ownerIsGone } from './workers.ts';

// Generic durable jobs (timers and one-off work). Enqueue inside the business transaction;
// claims use FOR UPDATE SKIP LOCKED so any number of workers share one table. Due times (run_at)
// are on the business clock the runner is given, so a simulated clock runs timers fast too;
// a job enqueued without runAt is due at once.

export const JOBS_CHANNEL = 'tiller_jobs';

export interface Job {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

/** How a queue retries: exponential backoff from baseDelayMs, capped, up to maxAttempts runs. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 3_600_000,
};

export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

export interface EnqueueOptions {
  runAt?: Date;
  /** A job with the same key is not added twice while it exists. */
  key?: string;
  maxAttempts?: number;
}

export async function enqueue(
  tx: Queryable,
  queue: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<void> {
  await tx.query(
    `INSERT INTO jobs (queue, payload, run_at, key, max_attempts)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key) DO NOTHING`,
    [
      queue,
      payload,
      // The claims compare run_at with the runner's clock (JavaScript, whole milliseconds): a
      // default from the database's now() (microseconds) could look a fraction of a ms ahead.
      options.runAt ?? new Date(),
      options.key ?? null,
      options.maxAttempts ?? defaultRetry.maxAttempts,
    ],
  );
  await notify(tx, JOBS_CHANNEL, queue);
}

/**
 * Claims up to `limit` due jobs, one queue at a time: with `queue = $2` the ready index yields rows
 * in run order and stops at the limit, where `= ANY(...)` made PostgreSQL sort the whole backlog
 * (docs/adr/0001-job-queue.md measured +40-70 %).
 */
export async function claimJobs(
  q: Queryable,
  workerId: string,
  queues: string[],
  limit: number,
  now: Date = new Date(),
): Promise<Job[]> {
  const claimed: Job[] = [];
  for (const queue of queues) {
    if (claimed.length >= limit) break;
    claimed.push(
      ...(await q.query<Job>(
        `UPDATE jobs SET locked_by = $1, locked_at = now(), attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM jobs
           WHERE queue = $2 AND locked_by IS NULL AND failed_at IS NULL AND run_at <= $4
             AND attempts < max_attempts
           ORDER BY run_at, id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
         RETURNING id, queue, payload, attempts, max_attempts`,
        [workerId, queue, limit - claimed.length, now],
      )),
    );
  }
  return claimed;
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

/** Schedules the next try, or parks the job as failed once it used all its attempts. */
export async function failJob(
  q: Queryable,
  job: Job,
  workerId: string,
  error: string,
  policy: RetryPolicy,
  now: Date = new Date(),
) {
  const delay = retryDelayMs(policy, job.attempts);
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_at = NULL, last_error = $3,
       run_at = $5::timestamptz + make_interval(secs => $4::double precision / 1000),
       failed_at = CASE WHEN attempts >= max_attempts THEN now() END
     WHERE id = $1 AND locked_by = $2`,
    [job.id, workerId, error.slice(0, 2000), delay, now],
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
