import type { JobHandler } from '../../queue/job-runner.ts';
import type { PlanService } from './plans.service.ts';

/** `plan.advance`: a round task ended; start the next round or end the plan. */
export function planAdvanceJob(plans: PlanService): JobHandler {
  return {
    run: (job) => plans.advance(String(job.payload.plan_id), Number(job.payload.round)),
  };
}
