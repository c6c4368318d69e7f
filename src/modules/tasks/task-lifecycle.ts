import { enqueue } from '../../queue/jobs.ts';
import type { Queryable } from '../../store/db.ts';
import { appZone, emitCallEvent, emitTaskEvent } from './task-events.ts';
import {
  closePendingCallees,
  hasOpenCallees,
  setTaskStatus,
  type TaskRow,
} from './tasks.repository.ts';

// State moves of a task. Callers hold the task row lock (lockTask) in the same transaction.
//   Waiting -> Running   first number claimed for dialling
//   Waiting|Running -> Finished   no number left waiting or dialling (done, cancelled, or expired)
//   Waiting|Running -> Stopped    operation "stop"; numbers not yet dialled are not called
//   Waiting|Running <-> Paused   operations "pause" and "resume" (task-pause.ts)
// Stopped and Finished are final.
// `now` is the business clock's (services.clock), which a simulation may run fast.

/** The queue of plan round changes; the plans module runs it. */
export const PLAN_ADVANCE_QUEUE = 'plan.advance';

/** A round task that ended hands its plan on (next round, or the plan's end), durably. */
async function advancePlan(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  if (!task.plan_id) return;
  await enqueue(
    tx,
    PLAN_ADVANCE_QUEUE,
    { plan_id: task.plan_id, round: task.round },
    { key: `plan.advance:${task.plan_id}:${task.round}`, runAt: now },
  );
}

/** Not final yet. A Paused task dials nothing but still finishes and expires (task-pause.ts). */
export const isActive = (task: Pick<TaskRow, 'status'>) =>
  task.status === 'Waiting' || task.status === 'Running' || task.status === 'Paused';

/** Finishes an active task once none of its numbers is waiting or dialling. */
export async function finishIfDone(tx: Queryable, task: TaskRow, now: Date): Promise<boolean> {
  if (!isActive(task) || (await hasOpenCallees(tx, task.id))) return false;
  const finished = await setTaskStatus(tx, task.id, 'Finished', now);
  await emitTaskEvent(tx, finished, await appZone(tx, task.app_id));
  await advancePlan(tx, finished, now);
  return true;
}

/** Stops a task: waiting numbers are cancelled, calls in progress end normally. */
export async function stopTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  const zone = await appZone(tx, task.app_id);
  for (const callee of await closePendingCallees(tx, task.id, 'cancelled'))
    await emitCallEvent(tx, callee, zone);
  const stopped = await setTaskStatus(tx, task.id, 'Stopped', now);
  await emitTaskEvent(tx, stopped, zone);
  await advancePlan(tx, stopped, now);
}

/** The calling window closed: waiting numbers expire; the task finishes when no call is in progress. */
export async function expireTask(tx: Queryable, task: TaskRow, now: Date): Promise<void> {
  if (!isActive(task)) return;
  const zone = await appZone(tx, task.app_id);
  for (const callee of await closePendingCallees(tx, task.id, 'expired'))
    await emitCallEvent(tx, callee, zone);
  await finishIfDone(tx, task, now);
}
