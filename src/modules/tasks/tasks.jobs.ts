import { defineJob, handleJob, textField } from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Db } from '../../store/db.ts';
import { expireTask } from './task-lifecycle.ts';
import { lockTask } from './tasks.repository.ts';

/** At a task's end_time: its waiting numbers expire and it finishes once no call is in progress. */
export const TASK_END = defineJob<{ task_id: string }>(QUEUES.taskEnd, {
  decode: (stored) => ({ task_id: textField(stored, 'task_id') }),
});

/** The one task.end job of a task (a re-run of the creation adds none). */
export const taskEndKey = (taskId: string) => `${QUEUES.taskEnd}:${taskId}`;

export function taskEndJob(db: Db, clock: Clock) {
  return handleJob(TASK_END, async ({ task_id }) => {
    await db.transaction(async (tx) => {
      const task = await lockTask(tx, task_id);
      if (task) await expireTask(tx, task, clock.now());
    });
  });
}
