import type { JobSubscriber } from '../../queue/domain-events.ts';
import { defineJob, handleJob, intField, textField } from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { TaskFinished } from '../tasks/task-events.ts';
import type { PlanService } from './plans.service.ts';

/** The payload keeps the keys older versions wrote (plan_id, round): their queued jobs still run. */
export interface PlanAdvance extends Record<string, unknown> {
  plan_id: string;
  round: number;
}

export const PLAN_ADVANCE = defineJob<PlanAdvance>(QUEUES.planAdvance, {
  decode: (stored) => ({ plan_id: textField(stored, 'plan_id'), round: intField(stored, 'round') }),
});

/**
 * Plan rounds subscribe to `task.finished`: a task with a plan as its parent ended, so its plan
 * moves on, in a `plan.advance` job (one per task: the job key is the subscriber's and the
 * task's). The tasks module does not know it. A workflow parent is the workflows module's.
 */
export const planRounds: JobSubscriber<TaskFinished, PlanAdvance> = {
  name: QUEUES.planAdvance,
  job: PLAN_ADVANCE,
  select: ({ data }) =>
    data.parent?.kind === 'plan' ? { plan_id: data.parent.id, round: data.parent.step } : undefined,
};

/**
 * `plan.advance`: a round task ended; start the next round or end the plan. A permanent failure
 * ends the plan `Failed` inside `advance`; a transient one is retried with the queue's backoff,
 * its error shown in /plan/status, and the last try ends the plan `Failed` rather than leaving
 * it `Running` with no job left to move it. Running it twice for a round does nothing the second
 * time: `advance` checks, under the plan's lock, that the plan still waits on that round.
 */
export function planAdvanceJob(plans: Pick<PlanService, 'advance' | 'advanceFailed'>) {
  return handleJob(PLAN_ADVANCE, async ({ plan_id, round }, job) => {
    try {
      await plans.advance(plan_id, round);
    } catch (error) {
      await plans.advanceFailed(plan_id, round, error, job);
      if (job.attempts < job.max_attempts) throw error;
    }
  });
}
