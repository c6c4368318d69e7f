import type { JobHandler } from '../../queue/job-runner.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Db } from '../../store/db.ts';
import { expireTask } from './task-lifecycle.ts';
import { lockTask } from './tasks.repository.ts';

/** At a task's end_time: its waiting numbers expire and it finishes once no call is in progress. */
export function taskEndJob(db: Db, clock: Clock): JobHandler {
  return {
    async run(job) {
      const taskId = String(job.payload.task_id);
      await db.transaction(async (tx) => {
        const task = await lockTask(tx, taskId);
        if (task) await expireTask(tx, task, clock.now());
      });
    },
  };
}
