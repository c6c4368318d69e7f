import type { Clock } from '../shared/clock.ts';
import type { Queryable } from '../store/db.ts';
import { notify } from '../store/db.ts';
import { JOBS_CHANNEL } from './jobs.ts';

// The operator's view of parked jobs (`tiller jobs failed`, `tiller jobs retry`): jobs that used
// all their attempts, whose handler said trying again cannot help (PermanentJobError), or whose
// worker vanished during their last attempt. They stay in the table, unclaimed, until retried.

export interface FailedJob {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  failed_at: Date;
  last_error: string | null;
}

export class JobAdmin {
  readonly #db: Queryable;
  readonly #clock: Clock;

  constructor(db: Queryable, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Parked jobs, oldest failure first. */
  failed(limit = 1_000): Promise<FailedJob[]> {
    return this.#db.query<FailedJob>(
      `SELECT id, queue, payload, attempts, max_attempts, failed_at, last_error FROM jobs
       WHERE failed_at IS NOT NULL ORDER BY failed_at, id LIMIT $1`,
      [limit],
    );
  }

  /**
   * Makes parked jobs due again with a fresh set of attempts: the given ids, or every parked job
   * with 'all'. Due at once on the business clock (a job parked in the future of a simulated clock
   * is brought back to its now). Returns the ids it re-queued; an id that is not parked is skipped.
   */
  async retry(which: readonly number[] | 'all'): Promise<number[]> {
    const rows = await this.#db.query<{ id: number; queue: string }>(
      `UPDATE jobs SET failed_at = NULL, attempts = 0, locked_by = NULL, locked_at = NULL,
         run_at = least(run_at, $2::timestamptz)
       WHERE failed_at IS NOT NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
       RETURNING id, queue`,
      [which === 'all' ? null : which, this.#clock.now()],
    );
    for (const queue of new Set(rows.map((r) => r.queue)))
      await notify(this.#db, JOBS_CHANNEL, queue);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
}
