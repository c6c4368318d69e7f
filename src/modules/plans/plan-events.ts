import { defineEvent, publish, type TransactionSubscriber } from '../../queue/domain-events.ts';
import { EVENTS } from '../../queue/names.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvent } from '../webhooks/outbox.ts';
import type { PlanRow, RoundTask } from './plans.repository.ts';

// The plans module's domain events (docs/domain-events.md), and the plan webhook of
// spec/calls-api.md §8.3 as their webhook subscriber.

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** A plan ended (§8.3). */
    plan: 'plan.finished';
  }
}

/** `plan.finished`: the plan ended (Finished, Stopped or Failed). */
export interface PlanFinished {
  plan: PlanRow;
  rounds: RoundTask[];
  /** The app's time zone, for subscribers that show times. */
  zone: string;
}

/** `plan.round_finished`: the end of a round's task was handled: `next` starts, or the plan ends. */
export interface PlanRoundFinished {
  planId: string;
  appId: number;
  round: number;
  taskId: string;
}

export const PLAN_FINISHED = defineEvent<PlanFinished>(EVENTS.planFinished);
export const PLAN_ROUND_FINISHED = defineEvent<PlanRoundFinished>(EVENTS.planRoundFinished);

/** `plan.finished`, once per plan (the caller ended it in this transaction). */
export async function emitPlanEvent(
  tx: Queryable,
  plan: PlanRow,
  rounds: RoundTask[],
  zone: string,
  now: Date,
): Promise<void> {
  await publish(tx, PLAN_FINISHED, [{ id: plan.id, data: { plan, rounds, zone } }], now);
}

/** `plan.round_finished` for the round whose task `taskId` ended. */
export async function emitRoundFinished(
  tx: Queryable,
  plan: Pick<PlanRow, 'id' | 'app_id'>,
  round: number,
  taskId: string,
  now: Date,
): Promise<void> {
  const data: PlanRoundFinished = { planId: plan.id, appId: plan.app_id, round, taskId };
  await publish(tx, PLAN_ROUND_FINISHED, [{ id: `${plan.id}:${round}`, data }], now);
}

/** Webhook of Plan (§8.3): once, when the plan ends. */
export const planWebhooks: TransactionSubscriber<PlanFinished> = {
  name: 'webhooks.plan',
  async handle(tx, events) {
    for (const { data } of events) {
      const { plan, rounds, zone } = data;
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
  },
};
