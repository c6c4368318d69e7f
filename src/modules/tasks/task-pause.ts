import { AppError } from '../../shared/errors.ts';
import { notify, type Queryable } from '../../store/db.ts';
import { DIAL_CHANNEL } from './call-finalizer.ts';
import { finishIfDone } from './task-lifecycle.ts';
import { setTaskStatus, type TaskRow } from './tasks.repository.ts';

// Pause and resume of a task (POST /service/cloud/operation; docs/api-calls.md):
//   Waiting|Running -> Paused   the dialer claims none of its numbers (it claims Waiting and
//                               Running tasks only); calls in progress end normally and their
//                               redials wait for the resume
//   Paused -> Running|Waiting   back to Running if it had dialled, else Waiting; the dialer wakes
// A paused task still ends at its end_time (its waiting numbers expire; task-lifecycle's
// isActive counts Paused), and can be stopped. A plan's round tasks are not paused one by one.

export const TASK_OPERATIONS = ['stop', 'pause', 'resume'] as const;
export type TaskOperation = (typeof TASK_OPERATIONS)[number];

/** The operation named in any case, or the error that lists the valid ones. */
export function taskOperation(operation: string): TaskOperation {
  const name = operation.trim().toLowerCase();
  const found = TASK_OPERATIONS.find((op) => op === name);
  if (!found)
    throw new AppError(
      'unknown_operation',
      `operation must be one of ${TASK_OPERATIONS.join(', ')}, not "${operation}"`,
    );
  return found;
}

const isFinal = (task: TaskRow) => task.status === 'Stopped' || task.status === 'Finished';

function refuseRoundTask(task: TaskRow, operation: TaskOperation): void {
  if (task.plan_id)
    throw new AppError(
      'operation_not_allowed',
      `${operation}: task ${task.id} is round ${task.round} of plan ${task.plan_id}; a plan's rounds are not paused one by one (stop the plan with /plan/operation)`,
    );
}

/** Pauses a waiting or running task. The caller holds the task row lock (lockTask). */
export async function pauseTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  if (isFinal(task)) throw new AppError('task_finished');
  refuseRoundTask(task, 'pause');
  if (task.status === 'Paused')
    throw new AppError('operation_not_allowed', 'the task is already paused');
  await setTaskStatus(tx, task.id, 'Paused', now);
}

/** Resumes a paused task. The caller holds the task row lock (lockTask). */
export async function resumeTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  if (isFinal(task)) throw new AppError('task_finished');
  refuseRoundTask(task, 'resume');
  if (task.status !== 'Paused')
    throw new AppError('operation_not_allowed', `the task is ${task.status}, not Paused`);
  const resumed = await setTaskStatus(tx, task.id, task.started_at ? 'Running' : 'Waiting', now);
  // Nothing left to dial (every number was cancelled meanwhile): it finishes now.
  if (await finishIfDone(tx, resumed, now)) return;
  await notify(tx, DIAL_CHANNEL);
}
