import type { Queryable } from '../../store/db.ts';
import { reportNumberEnds } from './number-ends.ts';
import { finishIfDone, isActive, stopTask } from './task-lifecycle.ts';
import { cancelCallees } from './callee-cancels.repository.ts';
import * as repo from './tasks.repository.ts';

// What the workflows module asks of the node tasks it made (tasks with a workflow parent), in
// its own transaction: stop them when the workflow stops or ends, and cancel one record's
// number when the integrator cancels that record's remaining steps.

/** Stops every active task of a workflow: waiting numbers are cancelled, calls up finish. */
export async function stopWorkflowTasks(
  tx: Queryable,
  workflowId: string,
  now: Date,
): Promise<number> {
  const ids = await tx.query<{ id: string }>(
    `SELECT id FROM tasks WHERE workflow_id = $1 AND status IN ('Waiting', 'Running', 'Paused')
     ORDER BY id`,
    [workflowId],
  );
  let stopped = 0;
  for (const { id } of ids) {
    const task = await repo.lockTask(tx, id);
    if (!task || !isActive(task)) continue;
    await stopTask(tx, task, now);
    stopped += 1;
  }
  return stopped;
}

/** Cancels a record's number in a workflow's task if it still waits; true if it did. */
export async function cancelWorkflowCallee(
  tx: Queryable,
  taskId: string,
  recordId: string,
  now: Date,
): Promise<boolean> {
  const task = await repo.lockTask(tx, taskId);
  if (!task || !isActive(task)) return false;
  const rows = await tx.query<{ case_id: string; callee_number: string }>(
    `SELECT case_id, callee_number FROM callees
     WHERE task_id = $1 AND data->>'wfdetail_uuid' = $2`,
    [taskId, recordId],
  );
  const callee = rows[0];
  if (!callee) return false;
  const { nowFinal } = await cancelCallees(tx, taskId, callee);
  await reportNumberEnds(tx, task, nowFinal, now);
  await finishIfDone(tx, task, now);
  return nowFinal.length > 0;
}

/** The status of each of the given tasks that exists (a workflow's node tasks). */
export async function taskStatuses(
  q: Queryable,
  taskIds: readonly string[],
): Promise<Map<string, string>> {
  if (taskIds.length === 0) return new Map();
  const rows = await q.query<{ id: string; status: string }>(
    `SELECT id, status FROM tasks WHERE id = ANY($1::text[])`,
    [taskIds],
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}
