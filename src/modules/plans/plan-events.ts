import { formatDateTime } from '../../shared/time.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvent } from '../webhooks/outbox.ts';
import type { PlanRow, RoundTask } from './plans.repository.ts';

/** Webhook of Plan (spec/calls-api.md §8.3): once, when the plan ends (Finished, Stopped or Failed). */
export async function emitPlanEvent(
  tx: Queryable,
  plan: PlanRow,
  rounds: RoundTask[],
  zone: string,
): Promise<void> {
  await recordEvent(tx, {
    appId: plan.app_id,
    type: 'plan',
    subjectId: plan.id,
    // After every event of its round tasks, which share the plan's group (task-events.ts).
    group: plan.id,
    barrier: true,
    payload: {
      plan_id: plan.id,
      plan_name: plan.plan_name,
      strategy_id: String(plan.strategy_id),
      status: plan.status,
      end_reason: plan.end_reason,
      total_rounds: plan.rounds.length,
      rounds: rounds.map((r) => ({ round: r.round, task_id: r.id, status: r.status })),
      start_time: formatDateTime(plan.start_time, zone),
      end_time: formatDateTime(plan.finished_at ?? plan.end_time, zone),
      timestamp: Math.floor(Date.now() / 1000),
    },
  });
}
