import type { Config } from '../../config.ts';
import type { Queryable } from '../../store/db.ts';
import { ledgerInsert } from '../compliance/contact-ledger.ts';
import type { CallRow } from '../tasks/call-access.ts';
import type { HoldReason } from '../tasks/end-reason.ts';
import type { CalleeRow } from '../tasks/task-access.ts';

// The dial claim's statements (dial-claims.ts runs them in order, in one transaction per task).

/** Tasks with due numbers and room under both concurrency caps, oldest first. */
export function tasksWithRoom(q: Queryable, config: Config, now: Date) {
  // Only tasks with room under both caps: full ones must not crowd the others out of the 50.
  // boundary-exempt: apps — the app cap is read in this one listing statement across many apps;
  // fetching it first would cost a round trip per claim on the dial path (docs/modules.md).
  return q.query<{ id: string; app_id: number }>(
    `SELECT t.id, t.app_id FROM tasks t JOIN apps a ON a.id = t.app_id
     WHERE t.kind = 'robot' AND t.status IN ('Waiting', 'Running') AND t.start_time <= $3 AND t.end_time > $3
       AND EXISTS (SELECT 1 FROM callees c WHERE c.task_id = t.id AND c.status = 'pending' AND c.next_attempt_at <= $3)
       AND (SELECT count(*) FROM calls k WHERE k.task_id = t.id AND k.state = 'dialing') < coalesce(t.max_concurrency, $1)
       AND (SELECT count(*) FROM calls k WHERE k.app_id = t.app_id AND k.state = 'dialing') < coalesce(a.max_concurrency, $2)
     ORDER BY t.created_at, t.id LIMIT 50`,
    [config.taskConcurrency, config.appConcurrency, now],
  );
}

export async function inFlightCounts(q: Queryable, appId: number, taskId: string) {
  const [row] = await q.query<{ app: number; task: number }>(
    `SELECT (SELECT count(*) FROM calls WHERE app_id = $1 AND state = 'dialing') AS app,
            (SELECT count(*) FROM calls WHERE task_id = $2 AND state = 'dialing') AS task`,
    [appId, taskId],
  );
  return row!;
}

/** A picked number, with what held it before this pick (the pick clears it). */
export type PickedCallee = CalleeRow & { prior_hold_reason: HoldReason | null };

/**
 * Takes up to `limit` due numbers of the task for this claim (status dialing, one attempt more);
 * SKIP LOCKED keeps concurrent claims off each other's numbers.
 */
export function pickDueCallees(
  q: Queryable,
  taskId: string,
  limit: number,
  now: Date,
): Promise<PickedCallee[]> {
  return q.query<PickedCallee>(
    `UPDATE callees c SET status = 'dialing', attempts = c.attempts + 1, hold_reason = NULL,
       updated_at = now()
     FROM (
       SELECT id, hold_reason FROM callees
       WHERE task_id = $1 AND status = 'pending' AND next_attempt_at <= $3
       ORDER BY next_attempt_at, id LIMIT $2
       FOR UPDATE SKIP LOCKED) due
     WHERE c.id = due.id
     RETURNING c.id, c.task_id, c.app_id, c.seq, c.case_id, c.callee_number, c.data, c.status,
       c.attempts, c.hold_reason, due.hold_reason AS prior_hold_reason`,
    [taskId, limit, now],
  );
}

/** Puts a picked number back to wait until `at`, its attempt not counted, remembering the hold. */
export async function holdCallee(q: Queryable, calleeId: number, at: Date, hold: HoldReason) {
  await q.query(
    `UPDATE callees SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2,
       hold_reason = $3, updated_at = now()
     WHERE id = $1`,
    [calleeId, at, hold],
  );
}

/** Ends a picked number never dialled for its hold (the task ends before it would open). */
export async function expireCallee(q: Queryable, calleeId: number, hold: HoldReason) {
  await q.query(
    `UPDATE callees SET status = 'expired', attempts = attempts - 1, hold_reason = $2, updated_at = now()
     WHERE id = $1`,
    [calleeId, hold],
  );
}

/**
 * Ends picked numbers that are on the do-not-call list: status dnc, the pick undone (attempts and
 * the earlier hold as they were), returned as they now stand.
 */
export function endListedCallees(
  q: Queryable,
  callees: ReadonlyArray<Pick<PickedCallee, 'id' | 'prior_hold_reason'>>,
): Promise<CalleeRow[]> {
  if (callees.length === 0) return Promise.resolve([]);
  return q.query<CalleeRow>(
    `UPDATE callees c SET status = 'dnc', attempts = c.attempts - 1, hold_reason = r.hold_reason,
       updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, hold_reason text)
     WHERE c.id = r.id
     RETURNING c.id, c.task_id, c.app_id, c.seq, c.case_id, c.callee_number, c.data, c.status,
       c.attempts, c.hold_reason`,
    [JSON.stringify(callees.map((c) => ({ id: c.id, hold_reason: c.prior_hold_reason })))],
  );
}

/** A new attempt's row, written when the number is claimed (before the carrier is asked). */
export type CallToInsert = Pick<
  CallRow,
  | 'id'
  | 'app_id'
  | 'task_id'
  | 'callee_id'
  | 'attempt'
  | 'robot_id'
  | 'robot_version'
  | 'callee_number'
  | 'caller_number'
  | 'worker_id'
  | 'started_at'
> & { case_id: string; compliance: object };

/**
 * Writes the claimed attempts: each call row (state dialing, with its audit) and its voice row
 * in the contact ledger, in one statement, so the ledger costs the claim no round trip.
 */
export async function insertAttempts(q: Queryable, calls: readonly CallToInsert[]) {
  if (calls.length === 0) return;
  await q.query(
    `WITH r AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, app_id bigint, task_id text,
         callee_id bigint, attempt int, robot_id bigint, robot_version int, callee_number text,
         case_id text, caller_number text, worker_id text, started_at timestamptz, compliance jsonb)),
     attempts AS (
       INSERT INTO calls (id, app_id, task_id, callee_id, attempt, robot_id, robot_version,
         callee_number, case_id, caller_number, worker_id, started_at, compliance)
       SELECT id, app_id, task_id, callee_id, attempt, robot_id, robot_version, callee_number,
         case_id, caller_number, worker_id, started_at, compliance FROM r)
     ${ledgerInsert(`SELECT app_id, 'voice', callee_number, case_id, task_id, started_at, 'call', id,
       'allowed', NULL FROM r`)}`,
    [JSON.stringify(calls)],
  );
}
