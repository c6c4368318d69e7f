import type { Queryable } from '../../store/db.ts';
import { NOT_DIALLED, type HoldReason } from '../tasks/end-reason.ts';
import type { CalleeRow } from '../tasks/task-access.ts';

type CalleeStatus = CalleeRow['status'];

export interface RecordingRow {
  call_id: string;
  app_id: number;
  task_id: string;
  storage_key: string;
  duration_ms: number;
  bytes: number;
  created_at: Date;
}

const COLUMNS = 'call_id, app_id, task_id, storage_key, duration_ms, bytes, created_at';

/** Inserts the row unless the call already has one; returns the row that is stored either way. */
export async function insertRecording(
  q: Queryable,
  r: Omit<RecordingRow, 'created_at'>,
): Promise<{ row: RecordingRow; inserted: boolean }> {
  const [inserted] = await q.query<RecordingRow>(
    `INSERT INTO recordings (call_id, app_id, task_id, storage_key, duration_ms, bytes)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO NOTHING RETURNING ${COLUMNS}`,
    [r.call_id, r.app_id, r.task_id, r.storage_key, r.duration_ms, r.bytes],
  );
  if (inserted) return { row: inserted, inserted: true };
  return { row: (await findRecording(q, r.call_id))!, inserted: false };
}

export async function findRecording(
  q: Queryable,
  callId: string,
): Promise<RecordingRow | undefined> {
  const [row] = await q.query<RecordingRow>(
    `SELECT ${COLUMNS} FROM recordings WHERE call_id = $1`,
    [callId],
  );
  return row;
}

/** The recordings of these calls (one query for a page of call results). */
export async function findRecordings(q: Queryable, callIds: string[]): Promise<RecordingRow[]> {
  if (callIds.length === 0) return [];
  return q.query<RecordingRow>(
    `SELECT ${COLUMNS} FROM recordings WHERE call_id = ANY($1::text[])`,
    [callIds],
  );
}

// The audio is made when the call is answered, before it is talked through: a call still up, or
// cut short by our side (interrupted), is not listed yet or at all.
const LISTED = `k.state = 'final' AND k.outcome <> 'interrupted'`;

/** Every listed recording of a task, oldest first. */
export async function recordingsOfTask(q: Queryable, taskId: string): Promise<RecordingRow[]> {
  return q.query<RecordingRow>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, 'r.$1')} FROM recordings r JOIN calls k ON k.id = r.call_id
     WHERE r.task_id = $1 AND ${LISTED} ORDER BY r.created_at, r.call_id`,
    [taskId],
  );
}

export interface CalleeRecording {
  call_id: string;
  started_at: Date;
  /** False for a number's not_dialled record (its terminal report, no audio). */
  recorded: boolean;
  /** The number's status, hold reason and last carrier outcome: its end reason (tasks/end-reason.ts). */
  status: CalleeStatus;
  hold_reason: HoldReason | null;
  last_outcome: string | null;
}

/**
 * The recorded attempts of the task's numbers that match, in dialling order, and the not_dialled
 * record of a matching number that ended without being dialled.
 */
export async function recordingsOfCallee(
  q: Queryable,
  taskId: string,
  match: { callee_number?: string; case_id?: string },
): Promise<{ calleeFound: boolean; rows: CalleeRecording[] }> {
  const where = `c.task_id = $1 AND ($2::text IS NULL OR c.callee_number = $2)
    AND ($3::text IS NULL OR c.case_id = $3)`;
  const params = [taskId, match.callee_number ?? null, match.case_id ?? null];
  const found = await q.query(`SELECT 1 FROM callees c WHERE ${where} LIMIT 1`, params);
  const rows = await q.query<CalleeRecording>(
    `SELECT k.id AS call_id, k.started_at, r.call_id IS NOT NULL AS recorded, c.status, c.hold_reason,
       (SELECT d.outcome FROM calls d WHERE d.callee_id = c.id AND d.state = 'final'
          AND d.outcome <> '${NOT_DIALLED}' ORDER BY d.attempt DESC LIMIT 1) AS last_outcome
     FROM callees c
     JOIN calls k ON k.callee_id = c.id LEFT JOIN recordings r ON r.call_id = k.id
     WHERE ${where} AND ((r.call_id IS NOT NULL AND ${LISTED}) OR k.outcome = '${NOT_DIALLED}')
     ORDER BY k.started_at, k.attempt, k.id`,
    params,
  );
  return { calleeFound: found.length > 0, rows };
}

/** A server-wide secret, created with `make()` by the first process that asks. */
export async function serverSecret(
  q: Queryable,
  name: string,
  make: () => string,
): Promise<string> {
  // Two processes starting together both insert; the loser's row is dropped and both read the
  // winner's value.
  await q.query(
    'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, make()],
  );
  const [row] = await q.query<{ value: string }>(
    'SELECT value FROM server_secrets WHERE name = $1',
    [name],
  );
  return row!.value;
}
