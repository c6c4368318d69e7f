import type { Queryable } from '../../../store/db.ts';
import type { CallRow } from '../../tasks/call-access.ts';
import type { PdsSettings } from '../pds-settings.ts';

// The PDS dialer's own statements on the tasks module's tables (docs/pds-dialer.md, "Tables"):
// the running PDS tasks, a task's lines in flight and finished calls, and `calls.pds`, the column
// migration 0029 added for this dialer. Like the robot dialer's claim statements
// (dialer/dial-claims.repository.ts), they read tasks, callees and calls where a round trip per
// call through a service would cost the dial path too much.

/** A PDS task as the dialer paces it. */
export interface PdsTaskRow {
  id: string;
  app_id: number;
  task_name: string;
  status: string;
  pds: PdsSettings;
}

/**
 * PDS tasks that may dial now: Waiting or Running, between their start and end, with a number
 * due. Oldest first.
 */
export function runningPdsTasks(q: Queryable, now: Date): Promise<PdsTaskRow[]> {
  return q.query<PdsTaskRow>(
    `SELECT t.id, t.app_id, t.task_name, t.status, t.pds FROM tasks t
      WHERE t.kind = 'pds' AND t.status IN ('Waiting', 'Running')
        AND t.start_time <= $1 AND t.end_time > $1
        AND EXISTS (SELECT 1 FROM callees c
                     WHERE c.task_id = t.id AND c.status = 'pending' AND c.next_attempt_at <= $1)
      ORDER BY t.created_at, t.id LIMIT 200`,
    [now],
  );
}

/** PDS tasks by id (the task.finished subscriber); tasks of other kinds are left out. */
export function pdsTasksByIds(q: Queryable, ids: readonly string[]): Promise<PdsTaskRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.query<PdsTaskRow>(
    `SELECT id, app_id, task_name, status, pds FROM tasks WHERE id = ANY($1::text[]) AND kind = 'pds'`,
    [ids],
  );
}

/** The task's attempts still up (any worker's): the pacer's lines in flight. */
export function dialingCallsOfTask(
  q: Queryable,
  taskId: string,
): Promise<Array<{ id: string; started_at: Date }>> {
  return q.query(
    `SELECT id, started_at FROM calls WHERE task_id = $1 AND state = 'dialing' ORDER BY started_at`,
    [taskId],
  );
}

/** What `calls.pds` holds (docs/pds-dialer.md); the PDS API reads it for querytaskdetail. */
export interface CallPds {
  agentName?: string | null;
  agentId?: number | null;
  answeredAt?: string | null;
  /** When the robot handed the person over (the pacer's live answer). */
  handoffAt?: string | null;
  bridgedAt?: string | null;
  hangupReason?: number;
  customizeResults?: Array<{ title: string; groupName: string; value: string }>;
  talkremarks?: string;
  phoneTag?: string;
  mainNumber?: string;
  abandoned?: boolean;
}

/**
 * Adds keys to the calls' `pds` (what is there stays unless given again): the answer, the agent
 * reserved or bridged, a disposition. One statement for the batch.
 */
export async function mergeCallPds(
  q: Queryable,
  rows: ReadonlyArray<{ callId: string; pds: CallPds }>,
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE calls SET pds = coalesce(calls.pds, '{}'::jsonb) || r.pds
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, pds jsonb)
      WHERE calls.id = r.id`,
    [JSON.stringify(rows.map((r) => ({ id: r.callId, pds: r.pds })))],
  );
}

/**
 * The end's `pds`: `defaults` under what earlier writes set (a disposition filed during the call
 * keeps its results), `final` over them (the hangupReason is the end's).
 */
export async function writeFinalPds(
  q: Queryable,
  rows: ReadonlyArray<{ callId: string; defaults: CallPds; final: CallPds }>,
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE calls SET pds = r.defaults || coalesce(calls.pds, '{}'::jsonb) || r.final
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, defaults jsonb, final jsonb)
      WHERE calls.id = r.id`,
    [JSON.stringify(rows.map((r) => ({ id: r.callId, defaults: r.defaults, final: r.final })))],
  );
}

/** Which of these calls are still up (under the task's lock: their end is not written yet). */
export async function stillDialing(q: Queryable, callIds: readonly string[]): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM calls WHERE id = ANY($1::text[]) AND state = 'dialing'`,
    [callIds],
  );
  return new Set(rows.map((r) => r.id));
}

/** The task's latest finished attempts, oldest first: what the pacer's estimates start from. */
export async function finishedCallsOfTask(
  q: Queryable,
  taskId: string,
  limit: number,
): Promise<Array<{ started_at: Date; ended_at: Date | null; pds: CallPds | null }>> {
  const rows = await q.query<{ started_at: Date; ended_at: Date | null; pds: CallPds | null }>(
    `SELECT started_at, ended_at, pds FROM calls
      WHERE task_id = $1 AND state = 'final' AND outcome NOT IN ('interrupted', 'not_dialled')
      ORDER BY ended_at DESC, id LIMIT $2`,
    [taskId, limit],
  );
  return rows.reverse();
}

/** What the PDS webhooks say of a call, read with its task and number. */
export interface PdsCallRow {
  call_id: string;
  app_id: number;
  task_id: string;
  attempt: number;
  callee_number: string;
  task_name: string;
  pds: PdsSettings;
  data: Record<string, unknown>;
  call_pds: CallPds | null;
}

/** The PDS calls among `callIds` with their task and callee (calls of robot tasks are left out). */
export function pdsCallRows(q: Queryable, callIds: readonly string[]): Promise<PdsCallRow[]> {
  if (callIds.length === 0) return Promise.resolve([]);
  return q.query<PdsCallRow>(
    `SELECT c.id AS call_id, c.app_id, c.task_id, c.attempt, c.callee_number, t.task_name, t.pds,
            k.data, c.pds AS call_pds
       FROM calls c JOIN tasks t ON t.id = c.task_id JOIN callees k ON k.id = c.callee_id
      WHERE c.id = ANY($1::text[]) AND t.kind = 'pds'`,
    [callIds],
  );
}

/** PDS attempts still dialling under workers that are gone (`ownerGone` is over `c.worker_id`). */
export function pdsCallsOfGoneWorkers(
  q: Queryable,
  ownerGone: string,
): Promise<Array<Pick<CallRow, 'id' | 'task_id' | 'callee_id' | 'started_at'>>> {
  return q.query(
    `SELECT c.id, c.task_id, c.callee_id, c.started_at FROM calls c JOIN tasks t ON t.id = c.task_id
      WHERE c.state = 'dialing' AND t.kind = 'pds' AND ${ownerGone}`,
  );
}

/** PDS attempts dialling under one worker's id (the dialer compares them with what it holds). */
export function pdsCallsOfWorker(
  q: Queryable,
  workerId: string,
): Promise<Array<Pick<CallRow, 'id' | 'task_id' | 'callee_id' | 'started_at'>>> {
  return q.query(
    `SELECT c.id, c.task_id, c.callee_id, c.started_at FROM calls c JOIN tasks t ON t.id = c.task_id
      WHERE c.state = 'dialing' AND t.kind = 'pds' AND c.worker_id = $1`,
    [workerId],
  );
}
