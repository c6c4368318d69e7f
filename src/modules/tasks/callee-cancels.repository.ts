import type { Queryable } from '../../store/db.ts';
import { CALLEE_COLUMNS, type CalleeRow } from './tasks.repository.ts';

// Cancelling a task's numbers that still wait or are being dialled: one number (the cloud
// family's cancelphonecall, a workflow's record) or a list of numbers (the PDS family's
// canceltaskcontacts). A number that waited is final at once; one being dialled becomes final
// when its call ends.

/**
 * Cancels the matching numbers still waiting or dialling. Returns how many matched at all, and the
 * cancelled numbers that were waiting (dialled before or not): their dialling is final now. One
 * being dialled becomes final when its call ends.
 */
export async function cancelCallees(
  q: Queryable,
  taskId: string,
  match: { callee_number?: string; case_id?: string },
): Promise<{ matched: number; cancelled: number; nowFinal: CalleeRow[] }> {
  const where = `task_id = $1 AND ($2::text IS NULL OR callee_number = $2) AND ($3::text IS NULL OR case_id = $3)`;
  const params = [taskId, match.callee_number ?? null, match.case_id ?? null];
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM callees WHERE ${where}`,
    params,
  );
  const { cancelled, nowFinal } = await cancelWaiting(q, where, params);
  return { matched: count!.n, cancelled: cancelled.length, nowFinal };
}

/**
 * Cancels the task's numbers among `numbers` (E.164) still waiting or dialling, every case of
 * each. Returns the cancelled numbers, and those of them that were waiting (final now); one being
 * dialled becomes final when its call ends.
 */
export async function cancelCalleesByNumbers(
  q: Queryable,
  taskId: string,
  numbers: readonly string[],
): Promise<{ cancelled: CalleeRow[]; nowFinal: CalleeRow[] }> {
  if (numbers.length === 0) return { cancelled: [], nowFinal: [] };
  return cancelWaiting(q, `task_id = $1 AND callee_number = ANY($2::text[])`, [taskId, numbers]);
}

/**
 * Cancels the numbers `where` picks that still wait or are being dialled; those that waited are
 * final now (one being dialled becomes final when its call ends).
 */
async function cancelWaiting(
  q: Queryable,
  where: string,
  params: unknown[],
): Promise<{ cancelled: CalleeRow[]; nowFinal: CalleeRow[] }> {
  const rows = await q.query<CalleeRow & { was: string }>(
    `UPDATE callees c SET status = 'cancelled', updated_at = now()
     FROM (SELECT id, status AS was FROM callees WHERE ${where} AND status IN ('pending', 'dialing')
           ORDER BY id FOR UPDATE) old
     WHERE c.id = old.id
     RETURNING ${CALLEE_COLUMNS.replace(/(\w+)/g, 'c.$1')}, old.was`,
    params,
  );
  const cancelled = rows.map(({ was: _was, ...callee }) => callee);
  return { cancelled, nowFinal: cancelled.filter((_c, i) => rows[i]!.was === 'pending') };
}
