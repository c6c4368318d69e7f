import type { JobHandler } from '../../queue/job-runner.ts';
import type { PlanService } from './plans.service.ts';

/**
 * `plan.advance`: a round task ended; start the next round or end the plan. A permanent failure
 * ends the plan `Failed` inside `advance`; a transient one is retried with the queue's backoff,
 * its error shown in /plan/status, and the last try ends the plan `Failed` rather than leaving
 * it `Running` with no job left to move it.
 */
export function planAdvanceJob(plans: PlanService): JobHandler {
  return {
    async run(job) {
      const planId = String(job.payload.plan_id);
      const round = Number(job.payload.round);
      try {
        await plans.advance(planId, round);
      } catch (error) {
        await plans.advanceFailed(planId, round, error, job);
        if (job.attempts < job.max_attempts) throw error;
      }
    },
  };
}
