import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { appZone } from '../auth/app-directory.ts';
import { usableRobot } from '../robots/robots.service.ts';
import type { NewCallee } from '../tasks/task-access.ts';
import { createTaskInTx, type TaskSpec } from '../tasks/tasks.service.ts';
import { emitPlanEvent, emitRoundFinished } from './plan-events.ts';
import { selectForRound } from './redial-rule.ts';
import * as repo from './plans.repository.ts';
import type { Round } from './plans.schema.ts';

/** The task a plan's round runs as. Round tasks are named `<plan_name>_R<round>`. */
export function roundSpec(
  plan: repo.PlanRow,
  round: number,
  callees: NewCallee[],
  start: Date,
  callerNumber: (line: string | undefined) => string,
): TaskSpec {
  const spec: Round = plan.rounds[round - 1] ?? {};
  return {
    task_name: `${plan.plan_name}_R${round}`,
    robot_id: roundRobot(plan, round),
    start,
    end: plan.end_time,
    redial_times: spec.redial_times ?? 0,
    redial_interval_s: (spec.redial_interval ?? 0) * 60,
    caller_number: callerNumber(spec.caller_number),
    max_concurrency: spec.max_concurrency ?? null,
    calling_windows: spec.calling_windows ?? null,
    attempts_per_day: spec.attempts_per_day ?? null,
    callees,
    plan_id: plan.id,
    round,
  };
}

const roundRobot = (plan: repo.PlanRow, round: number) =>
  Number(plan.rounds[round - 1]?.robot_id ?? plan.robot_id ?? plan.rounds[0]?.robot_id);

/** Ends a plan with its reason and publishes `plan.finished`, in the caller's transaction. */
export async function endPlan(
  tx: Queryable,
  plan: repo.PlanRow,
  status: repo.PlanEnd,
  reason: string,
  now: Date,
): Promise<void> {
  const ended = await repo.setPlanState(tx, plan.id, { status, reason }, now);
  await emitPlanEvent(
    tx,
    ended,
    await repo.roundTasks(tx, plan.id),
    await appZone(tx, plan.app_id),
    now,
  );
}

/**
 * Why an error means the next round can never start, or undefined when trying again may help.
 * A refusal of ours (AppError: the round's robot is gone, its caller number is invalid) and a
 * constraint or data error of the store are permanent; anything else (a lost connection, a
 * serialisation failure) is retried.
 */
export function permanentReason(error: unknown): string | undefined {
  if (error instanceof AppError) return error.message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^2[23]/.test(code)) return (error as Error).message;
  return undefined;
}

/**
 * Starts a plan's next rounds (the `plan.advance` job, which runs for each `task.finished` of a
 * round task: plans.jobs.ts): the next round with the numbers its rule
 * selects, after its interval, or the plan's end. A plan that cannot continue ends `Failed` with
 * its reason rather than retrying in silence (docs/plans.md, "How a plan ends").
 */
export class PlanAdvancer {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #callerNumber: (line: string | undefined) => string;

  constructor(db: Db, clock: Clock, callerNumber: (line: string | undefined) => string) {
    this.#db = db;
    this.#clock = clock;
    this.#callerNumber = callerNumber;
  }

  /** Re-running it for a round already handled does nothing. Throws only errors worth a retry. */
  async advance(planId: string, round: number): Promise<void> {
    try {
      await this.#db.transaction((tx) => this.#advanceInTx(tx, planId, round));
    } catch (error) {
      const reason = permanentReason(error);
      if (reason === undefined) throw error;
      await this.#fail(planId, round, `round ${round + 1} cannot start: ${reason}`);
    }
  }

  /**
   * A try that will be retried failed: its error shows in /plan/status meanwhile. After the last
   * try the plan ends Failed, so it never sits `Running` with nothing left to run it.
   */
  async retryFailed(
    planId: string,
    round: number,
    error: unknown,
    attempt: { attempts: number; max_attempts: number },
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    if (attempt.attempts >= attempt.max_attempts) {
      await this.#fail(
        planId,
        round,
        `round ${round + 1} could not start after ${attempt.attempts} attempts: ${message}`,
      );
      return;
    }
    await repo.setPlanLastError(
      this.#db,
      planId,
      `round ${round + 1} could not start (attempt ${attempt.attempts} of ${attempt.max_attempts}, retrying): ${message}`,
    );
  }

  async #fail(planId: string, round: number, reason: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const plan = await repo.lockPlan(tx, planId);
      if (!plan || plan.status !== 'Running' || plan.current_round !== round) return;
      await endPlan(tx, plan, 'Failed', reason, this.#clock.now());
    });
  }

  async #advanceInTx(tx: Queryable, planId: string, round: number): Promise<void> {
    const plan = await repo.lockPlan(tx, planId);
    if (!plan || plan.status !== 'Running' || plan.current_round !== round) return;
    const task = (await repo.roundTasks(tx, planId)).find((t) => t.round === round);
    if (!task) return;
    const now = this.#clock.now();
    await emitRoundFinished(tx, plan, round, task.id, now);
    const end = (status: repo.PlanEnd, reason: string) => endPlan(tx, plan, status, reason, now);
    if (task.status === 'Stopped') return end('Stopped', `round ${round}'s task was stopped`);
    const next = plan.rounds[round];
    if (!next) return end('Finished', `all ${plan.rounds.length} rounds ran`);
    const selected = selectForRound(next, await repo.roundResults(tx, planId, task.id));
    if (selected.length === 0) return end('Finished', `no number qualified for round ${round + 1}`);
    const ended = Math.max(now.getTime(), task.finished_at?.getTime() ?? 0);
    const start = new Date(ended + (next.interval_minutes ?? 0) * 60_000);
    if (start >= plan.end_time)
      return end('Finished', `round ${round + 1} would start after the plan's end_time`);

    const robotId = roundRobot(plan, round + 1);
    if (!(await usableRobot(tx, plan.app_id, robotId)))
      throw new AppError('robot_not_found', `robot_id ${robotId} of round ${round + 1}`);
    const callees: NewCallee[] = selected.map((r, seq) => ({
      seq,
      case_id: String(r.data.case_id ?? ''),
      callee_number: String(r.data.callee_number),
      data: r.data,
    }));
    const caller = { appId: plan.app_id, timezone: await appZone(tx, plan.app_id) };
    try {
      await createTaskInTx(
        tx,
        caller,
        roundSpec(plan, round + 1, callees, start, this.#callerNumber),
      );
    } catch (error) {
      // Every selected number is already queued in another active task: nothing left to call.
      if (error instanceof AppError && error.key === 'duplicate_callee')
        return end(
          'Finished',
          `every number selected for round ${round + 1} is queued in another active task`,
        );
      throw error;
    }
    await repo.setPlanState(tx, planId, { round: round + 1 }, now);
  }
}
