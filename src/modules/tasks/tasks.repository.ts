import type { Queryable } from '../../store/db.ts';
import type { HoldReason } from './end-reason.ts';

export type TaskStatus = 'Waiting' | 'Running' | 'Paused' | 'Stopped' | 'Finished';

export interface TaskRow {
  id: string;
  app_id: number;
  task_name: string;
  robot_id: number;
  status: TaskStatus;
  start_time: Date;
  end_time: Date;
  redial_times: number;
  redial_interval_s: number;
  caller_number: string;
  max_concurrency: number | null;
  total_count: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  plan_id: string | null;
  /** The workflow whose call node made this task (docs/workflows.md); null for ordinary tasks. */
  workflow_id: string | null;
  round: number;
  /** Calling-window override of this task (docs/compliance.md); null: the app's or the country's. */
  calling_windows: unknown;
  /** A plan round's cap on attempts per number per callee-local day; null: none of its own. */
  attempts_per_day: number | null;
  /** When the task webhook was written (once, after the task's last call ended); null before. */
  reported_at: Date | null;
  /** `robot` (the cloud API's tasks) or `pds` (the predictive dialer's, docs/pds-api.md). */
  kind: TaskKind;
}

export type TaskKind = 'robot' | 'pds';

const TASK_COLUMNS = `id, app_id, task_name, robot_id, status, start_time, end_time, redial_times,
  redial_interval_s, caller_number, max_concurrency, total_count, created_at, started_at, finished_at,
  plan_id, workflow_id, round, calling_windows, attempts_per_day, reported_at, kind`;

export interface NewCallee {
  seq: number;
  case_id: string;
  callee_number: string;
  data: Record<string, unknown>;
}

export async function insertTask(
  q: Queryable,
  t: Omit<
    TaskRow,
    | 'status'
    | 'created_at'
    | 'started_at'
    | 'finished_at'
    | 'calling_windows'
    | 'attempts_per_day'
    | 'reported_at'
    | 'workflow_id'
    | 'kind'
  > & {
    workflow_id?: string | null;
    /** Default `robot`; a `pds` task carries its settings in `pds` (migration 0029). */
    kind?: TaskKind;
    pds?: object | null;
    idempotency_key?: string | null;
    calling_windows?: unknown;
    attempts_per_day?: number | null;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO tasks (id, app_id, task_name, robot_id, start_time, end_time, redial_times, redial_interval_s,
       caller_number, max_concurrency, total_count, plan_id, round, idempotency_key, calling_windows,
       attempts_per_day, workflow_id, kind, pds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      t.id,
      t.app_id,
      t.task_name,
      t.robot_id,
      t.start_time,
      t.end_time,
      t.redial_times,
      t.redial_interval_s,
      t.caller_number,
      t.max_concurrency,
      t.total_count,
      t.plan_id,
      t.round,
      t.idempotency_key ?? null,
      t.calling_windows === undefined || t.calling_windows === null
        ? null
        : JSON.stringify(t.calling_windows),
      t.attempts_per_day ?? null,
      t.workflow_id ?? null,
      t.kind ?? 'robot',
      t.pds === undefined || t.pds === null ? null : JSON.stringify(t.pds),
    ],
  );
}

const CALLEE_CHUNK = 5_000;

/** Multi-row insert through one jsonb parameter per chunk (a 100,000-callee upload is 20 statements). */
export async function insertCallees(
  q: Queryable,
  taskId: string,
  appId: number,
  callees: NewCallee[],
  dueAt: Date,
): Promise<void> {
  for (let i = 0; i < callees.length; i += CALLEE_CHUNK) {
    await q.query(
      `INSERT INTO callees (task_id, app_id, seq, case_id, callee_number, data, next_attempt_at)
       SELECT $1, $2, r.seq, r.case_id, r.callee_number, r.data, $3
       FROM jsonb_to_recordset($4::jsonb) AS r(seq int, case_id text, callee_number text, data jsonb)`,
      [taskId, appId, dueAt, JSON.stringify(callees.slice(i, i + CALLEE_CHUNK))],
    );
  }
}

/** (case_id, number) pairs of `callees` already waiting or dialling in an active task of the app. */
export async function openDuplicates(
  q: Queryable,
  appId: number,
  callees: NewCallee[],
): Promise<Set<string>> {
  const rows = await q.query<{ case_id: string; callee_number: string }>(
    `SELECT c.case_id, c.callee_number FROM callees c
     JOIN jsonb_to_recordset($2::jsonb) AS r(case_id text, callee_number text)
       ON c.callee_number = r.callee_number AND c.case_id = r.case_id
     JOIN tasks t ON t.id = c.task_id AND t.status IN ('Waiting', 'Running', 'Paused')
     WHERE c.app_id = $1 AND c.status IN ('pending', 'dialing')`,
    [
      appId,
      JSON.stringify(callees.map((c) => ({ case_id: c.case_id, callee_number: c.callee_number }))),
    ],
  );
  return new Set(rows.map((r) => `${r.case_id}\u0000${r.callee_number}`));
}

export async function taskByIdempotencyKey(
  q: Queryable,
  appId: number,
  key: string,
): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    'SELECT id FROM tasks WHERE app_id = $1 AND idempotency_key = $2',
    [appId, key],
  );
  return row?.id;
}

export async function taskNameTaken(q: Queryable, appId: number, name: string): Promise<boolean> {
  const rows = await q.query(
    'SELECT 1 FROM tasks WHERE app_id = $1 AND task_name = $2 AND plan_id IS NULL AND workflow_id IS NULL',
    [appId, name],
  );
  return rows.length > 0;
}

/** The app's task, or undefined when it does not exist or belongs to another app. */
export async function findTask(
  q: Queryable,
  appId: number,
  taskId: string,
): Promise<TaskRow | undefined> {
  const [row] = await q.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND app_id = $2`,
    [taskId, appId],
  );
  return row;
}

/** Locks the task row: claims, finalisations, stops and expiry of one task are serialised on it. */
export async function lockTask(q: Queryable, taskId: string): Promise<TaskRow | undefined> {
  const [row] = await q.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 FOR NO KEY UPDATE`,
    [taskId],
  );
  return row;
}

export async function setTaskStatus(
  q: Queryable,
  taskId: string,
  status: TaskStatus,
  now: Date,
): Promise<TaskRow> {
  const [row] = await q.query<TaskRow>(
    `UPDATE tasks SET status = $2,
       started_at = CASE WHEN $2 = 'Running' THEN coalesce(started_at, $3) ELSE started_at END,
       finished_at = CASE WHEN $2 IN ('Stopped', 'Finished') THEN $3 ELSE finished_at END
     WHERE id = $1 RETURNING ${TASK_COLUMNS}`,
    [taskId, status, now],
  );
  return row!;
}

/** Marks the task webhook written; false when it already was (the webhook is written once). */
export async function markReported(q: Queryable, taskId: string, now: Date): Promise<boolean> {
  const rows = await q.query(
    'UPDATE tasks SET reported_at = $2 WHERE id = $1 AND reported_at IS NULL RETURNING id',
    [taskId, now],
  );
  return rows.length > 0;
}

export interface TaskCounts {
  total_count: number;
  called_count: number;
  connected_count: number;
}

const COUNTS = `
  (SELECT count(*) FROM callees c WHERE c.task_id = t.id AND c.attempts > 0) AS called_count,
  (SELECT count(DISTINCT k.callee_id) FROM calls k
     WHERE k.task_id = t.id AND k.outcome IN ('answered', 'hangup')) AS connected_count`;

export async function taskCounts(q: Queryable, taskId: string): Promise<TaskCounts> {
  const [row] = await q.query<TaskCounts>(
    `SELECT t.total_count, ${COUNTS} FROM tasks t WHERE t.id = $1`,
    [taskId],
  );
  return row!;
}

export interface TaskFilter {
  createdFrom?: Date;
  createdTo?: Date;
  status?: TaskStatus;
  planId?: string;
  offset: number;
  limit: number;
}

export async function listTasks(
  q: Queryable,
  appId: number,
  f: TaskFilter,
): Promise<{ total: number; rows: Array<TaskRow & TaskCounts> }> {
  // The cloud list shows robot tasks only: PDS tasks are the PDS family's (docs/pds-api.md).
  const where = `t.app_id = $1 AND t.kind = 'robot' AND ($2::timestamptz IS NULL OR t.created_at >= $2)
    AND ($3::timestamptz IS NULL OR t.created_at <= $3) AND ($4::text IS NULL OR t.status = $4)
    AND ($5::text IS NULL OR t.plan_id = $5)`;
  const params = [
    appId,
    f.createdFrom ?? null,
    f.createdTo ?? null,
    f.status ?? null,
    f.planId ?? null,
  ];
  // The count and the page in one statement (one round trip; on the embedded store every
  // statement waits for the one connection). A page past the end still brings the count, on a
  // row of its own whose task columns are null.
  const rows = await q.query<TaskRow & TaskCounts & { page_total: number }>(
    `WITH page AS (
       SELECT ${TASK_COLUMNS.replace(/(\w+)/g, 't.$1')}, ${COUNTS} FROM tasks t WHERE ${where}
       ORDER BY t.created_at DESC, t.id LIMIT $6 OFFSET $7)
     SELECT (SELECT count(*) FROM tasks t WHERE ${where}) AS page_total, page.*
     FROM (SELECT 1) one LEFT JOIN page ON true ORDER BY page.created_at DESC, page.id`,
    [...params, f.limit, f.offset],
  );
  const total = rows[0]?.page_total ?? 0;
  return {
    total,
    rows: rows.filter((r) => r.id !== null).map(({ page_total: _total, ...task }) => task),
  };
}

export interface CalleeRow {
  id: number;
  task_id: string;
  app_id: number;
  seq: number;
  case_id: string;
  callee_number: string;
  data: Record<string, unknown>;
  status: 'pending' | 'dialing' | 'done' | 'cancelled' | 'expired' | 'dnc';
  attempts: number;
  /** Why the compliance check last put it back to pending ('window' or 'caps'); null: not held. */
  hold_reason?: HoldReason | null;
}

export const CALLEE_COLUMNS =
  'id, task_id, app_id, seq, case_id, callee_number, data, status, attempts, hold_reason';

export async function findCallee(q: Queryable, calleeId: number): Promise<CalleeRow | undefined> {
  const [row] = await q.query<CalleeRow>(`SELECT ${CALLEE_COLUMNS} FROM callees WHERE id = $1`, [
    calleeId,
  ]);
  return row;
}

export async function findCallees(
  q: Queryable,
  calleeIds: readonly number[],
): Promise<Map<number, CalleeRow>> {
  if (calleeIds.length === 0) return new Map();
  const rows = await q.query<CalleeRow>(
    `SELECT ${CALLEE_COLUMNS} FROM callees WHERE id = ANY($1::bigint[])`,
    [calleeIds],
  );
  return new Map(rows.map((r) => [Number(r.id), r]));
}

/** Sets the status (and, for a redial, the next attempt time) of numbers, in one statement. */
export async function setCalleeStatuses(
  q: Queryable,
  changes: ReadonlyArray<{ id: number; status: CalleeRow['status']; nextAt?: Date }>,
): Promise<void> {
  if (changes.length === 0) return;
  await q.query(
    `UPDATE callees SET status = r.status, next_attempt_at = coalesce(r.next_at, callees.next_attempt_at),
       updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, status text, next_at timestamptz)
     WHERE callees.id = r.id`,
    [
      JSON.stringify(
        changes.map((c) => ({ id: c.id, status: c.status, next_at: c.nextAt ?? null })),
      ),
    ],
  );
}

/**
 * Ends the waiting numbers of a task (stopped, or it ended): all of them are final now. An
 * expiring number keeps its hold reason only while the hold is still in force (its next attempt
 * after `now`); one whose hold had lifted was simply not reached before the end.
 */
export async function closePendingCallees(
  q: Queryable,
  taskId: string,
  status: 'cancelled' | 'expired',
  now: Date,
): Promise<CalleeRow[]> {
  return q.query<CalleeRow>(
    `UPDATE callees SET status = $2, updated_at = now(),
       hold_reason = CASE WHEN next_attempt_at > $3 THEN hold_reason END
     WHERE task_id = $1 AND status = 'pending'
     RETURNING ${CALLEE_COLUMNS}`,
    [taskId, status, now],
  );
}

/** A task is open while a number waits or dials, or a call is still up (even for a cancelled number). */
export async function hasOpenCallees(q: Queryable, taskId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM callees WHERE task_id = $1 AND status IN ('pending', 'dialing')
     UNION ALL SELECT 1 FROM calls WHERE task_id = $1 AND state = 'dialing'
     LIMIT 1`,
    [taskId],
  );
  return rows.length > 0;
}
