import type { Queryable } from '../../store/db.ts';
import { reportNumberEnds } from './number-ends.ts';
import { appZone, emitTaskEvent } from './task-events.ts';
import {
  closePendingCallees,
  hasOpenCallees,
  markReported,
  setTaskStatus,
  type TaskRow,
} from './tasks.repository.ts';

// State moves of a task. Callers hold the task row lock (lockTask) in the same transaction.
//   Waiting -> Running   first number claimed for dialling
//   Waiting|Running -> Finished   no number left waiting or dialling (done, cancelled, expired, dnc)
//   Waiting|Running -> Stopped    operation "stop"; numbers not yet dialled are cancelled
//   Waiting|Running <-> Paused   operations "pause" and "resume" (task-pause.ts)
// Stopped and Finished are final. `task.finished` is published once (tasks.reported_at), when the
// task is final AND no call of it is still up, so it follows every `call.final` of the task and
// its counts are final; a stopped task with calls in progress publishes it when the last one
// ends. Its subscribers (the task webhook, a plan's next round) are none of this module's
// business (docs/domain-events.md).
// `now` is the business clock's (services.clock), which a simulation may run fast.

/** Not final yet. A Paused task dials nothing but still finishes and expires (task-pause.ts). */
export const isActive = (task: Pick<TaskRow, 'status'>) =>
  task.status === 'Waiting' || task.status === 'Running' || task.status === 'Paused';

/**
 * Once none of its numbers is waiting or dialling and no call of it is up: an active task
 * finishes, a stopped one is settled; either way `task.finished` is published (once). Re-running
 * it after that does nothing.
 */
export async function finishIfDone(tx: Queryable, task: TaskRow, now: Date): Promise<boolean> {
  if (task.reported_at || !(isActive(task) || task.status === 'Stopped')) return false;
  if (await hasOpenCallees(tx, task.id)) return false;
  if (!(await markReported(tx, task.id, now))) return false;
  const final = isActive(task) ? await setTaskStatus(tx, task.id, 'Finished', now) : task;
  await emitTaskEvent(tx, final, await appZone(tx, task.app_id), now);
  return true;
}

/**
 * Stops a task: no new dial; waiting numbers are cancelled (each reported), calls in progress end
 * normally, and the task webhook follows the last of them.
 */
export async function stopTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  const cancelled = await closePendingCallees(tx, task.id, 'cancelled', now);
  const stopped = await setTaskStatus(tx, task.id, 'Stopped', now);
  await reportNumberEnds(tx, stopped, cancelled, now);
  await finishIfDone(tx, stopped, now);
}

/** The task's end_time: waiting numbers expire (each reported); it finishes when no call is up. */
export async function expireTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  if (!isActive(task)) return;
  await reportNumberEnds(tx, task, await closePendingCallees(tx, task.id, 'expired', now), now);
  await finishIfDone(tx, task, now);
}
