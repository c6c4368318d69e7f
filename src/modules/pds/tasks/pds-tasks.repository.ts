import type { Queryable } from '../../../store/db.ts';
import type { TaskStatus } from '../../tasks/task-access.ts';
import type { PdsSettings } from '../pds-settings.ts';

// Reads of PDS tasks and their calls for the PDS API (docs/pds-api.md). A PDS task is a task
// (migration 0029): these read the tasks, callees and calls tables, scoped to the app. Every write
// goes through the tasks module's service (creation, cancelling numbers), never from here.

export interface PdsTaskRow {
  id: string;
  app_id: number;
  task_name: string;
  kind: 'robot' | 'pds';
  status: TaskStatus;
  robot_id: number;
  workflow_id: string | null;
  /** Null for a robot task. */
  pds: PdsSettings | null;
  created_at: Date;
  start_time: Date;
  end_time: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const TASK = `t.id, t.app_id, t.task_name, t.kind, t.status, t.robot_id, t.workflow_id, t.pds,
  t.created_at, t.start_time, t.end_time, t.started_at, t.finished_at`;

/** The app's task of any kind by id, or undefined. */
export async function taskById(
  q: Queryable,
  appId: number,
  taskId: string,
): Promise<PdsTaskRow | undefined> {
  const [row] = await q.query<PdsTaskRow>(
    `SELECT ${TASK} FROM tasks t WHERE t.id = $1 AND t.app_id = $2`,
    [taskId, appId],
  );
  return row;
}

/** The app's own task of that name (not a plan round's nor a workflow node's twin), or undefined. */
export async function taskByName(
  q: Queryable,
  appId: number,
  name: string,
): Promise<PdsTaskRow | undefined> {
  const [row] = await q.query<PdsTaskRow>(
    `SELECT ${TASK} FROM tasks t WHERE t.app_id = $1 AND t.task_name = $2
     ORDER BY (t.plan_id IS NULL AND t.workflow_id IS NULL) DESC, t.created_at DESC LIMIT 1`,
    [appId, name],
  );
  return row;
}

export interface SourceCallee {
  case_id: string;
  callee_number: string;
  data: Record<string, unknown>;
}

/**
 * The numbers of a task to copy, in upload order: all, or only those no call of which was
 * answered (by a person: `answered`/`hangup`, or the PDS dialer's answeredAt), and without the
 * cancelled ones when asked.
 */
export async function calleesToCopy(
  q: Queryable,
  taskId: string,
  options: { noAnswerOnly: boolean; ignoreCancelled: boolean },
): Promise<SourceCallee[]> {
  return q.query<SourceCallee>(
    `SELECT c.case_id, c.callee_number, c.data FROM callees c
     WHERE c.task_id = $1
       AND (NOT $2::boolean OR NOT EXISTS (
         SELECT 1 FROM calls k WHERE k.callee_id = c.id
           AND (k.outcome IN ('answered', 'hangup') OR k.pds ? 'answeredAt')))
       AND (NOT $3::boolean OR c.status <> 'cancelled')
     ORDER BY c.seq`,
    [taskId, options.noAnswerOnly, options.ignoreCancelled],
  );
}

/** The time columns querytasklist filters and orders by. */
export const TASK_TIME_COLUMNS = {
  CreatedAt: 'created_at',
  startTime: 'start_time',
  actualStartTime: 'started_at',
  endTime: 'finished_at',
} as const;
export type TaskTimeField = keyof typeof TASK_TIME_COLUMNS;

export interface TaskListFilter {
  from?: Date;
  to?: Date;
  filterTime: TaskTimeField;
  orderBy: TaskTimeField;
  taskName?: string;
  statuses?: TaskStatus[];
  limit: number;
}

export interface TaskListRow extends PdsTaskRow {
  total_count: number;
  called_count: number;
  answered_count: number;
}

/** The app's PDS tasks matching the filter, newest first by `orderBy`, and how many match. */
export async function listPdsTasks(
  q: Queryable,
  appId: number,
  f: TaskListFilter,
): Promise<{ total: number; rows: TaskListRow[] }> {
  const filterColumn = `t.${TASK_TIME_COLUMNS[f.filterTime]}`;
  const where = `t.app_id = $1 AND t.kind = 'pds'
    AND ($2::timestamptz IS NULL OR ${filterColumn} >= $2)
    AND ($3::timestamptz IS NULL OR ${filterColumn} <= $3)
    AND ($4::text IS NULL OR t.task_name = $4)
    AND ($5::text[] IS NULL OR t.status = ANY($5::text[]))`;
  const params = [appId, f.from ?? null, f.to ?? null, f.taskName ?? null, f.statuses ?? null];
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM tasks t WHERE ${where}`,
    params,
  );
  const rows = await q.query<TaskListRow>(
    `SELECT ${TASK}, t.total_count,
       (SELECT count(*) FROM callees c WHERE c.task_id = t.id AND c.attempts > 0) AS called_count,
       (SELECT count(DISTINCT k.callee_id) FROM calls k WHERE k.task_id = t.id
          AND (k.outcome IN ('answered', 'hangup') OR k.pds ? 'answeredAt')) AS answered_count
     FROM tasks t WHERE ${where}
     ORDER BY t.${TASK_TIME_COLUMNS[f.orderBy]} DESC NULLS LAST, t.id LIMIT $6`,
    [...params, f.limit],
  );
  return { total: Number(count!.n), rows };
}

export interface DetailFilter {
  from?: Date;
  to?: Date;
  /** SQL LIKE patterns (`%`, `_`, no escape character) on the call id and the dialled number. */
  callIdLike: string[];
  numberLike: string[];
  offset: number;
  limit: number;
}

export interface DetailCallRow {
  id: string;
  attempt: number;
  state: 'dialing' | 'final';
  outcome: string | null;
  callee_number: string;
  started_at: Date;
  ended_at: Date | null;
  ring_time: number | null;
  pds: Record<string, unknown> | null;
  callee_data: Record<string, unknown>;
  recorded: boolean;
}

/** A page of the task's calls (a number's terminal record without a dial is not a call), by call time. */
export async function detailCalls(
  q: Queryable,
  appId: number,
  taskId: string,
  f: DetailFilter,
): Promise<{ total: number; rows: DetailCallRow[] }> {
  const params: unknown[] = [taskId, appId, f.from ?? null, f.to ?? null];
  // No escape character: a pattern is `%` and `_` and literal text, and a trailing backslash is
  // a backslash, not an error of the statement.
  const likes = [
    ...f.callIdLike.map((p) => `k.id LIKE $${params.push(p)} ESCAPE ''`),
    ...f.numberLike.map((p) => `k.callee_number LIKE $${params.push(p)} ESCAPE ''`),
  ];
  const where = `k.task_id = $1 AND k.app_id = $2 AND k.outcome IS DISTINCT FROM 'not_dialled'
    AND ($3::timestamptz IS NULL OR k.started_at >= $3)
    AND ($4::timestamptz IS NULL OR k.started_at <= $4)
    ${likes.map((l) => `AND ${l}`).join(' ')}`;
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM calls k WHERE ${where}`,
    params,
  );
  const limit = params.push(f.limit);
  const offset = params.push(f.offset);
  const rows = await q.query<DetailCallRow>(
    `SELECT k.id, k.attempt, k.state, k.outcome, k.callee_number, k.started_at, k.ended_at,
       k.ring_time, k.pds, c.data AS callee_data,
       EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = k.id AND r.app_id = $2) AS recorded
     FROM calls k JOIN callees c ON c.id = k.callee_id
     WHERE ${where}
     ORDER BY k.started_at, k.id LIMIT $${limit} OFFSET $${offset}`,
    params,
  );
  return { total: Number(count!.n), rows };
}

export interface CallForRecording {
  id: string;
  state: 'dialing' | 'final';
  outcome: string | null;
  pds: Record<string, unknown> | null;
  task_kind: 'robot' | 'pds';
}

/** The app's call by id with its task's kind, or undefined. */
export async function callOfApp(
  q: Queryable,
  appId: number,
  callId: string,
): Promise<CallForRecording | undefined> {
  const [row] = await q.query<CallForRecording>(
    `SELECT k.id, k.state, k.outcome, k.pds, t.kind AS task_kind
     FROM calls k JOIN tasks t ON t.id = k.task_id WHERE k.id = $1 AND k.app_id = $2`,
    [callId, appId],
  );
  return row;
}
