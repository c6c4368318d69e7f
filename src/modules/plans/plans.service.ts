import type { DialForecaster } from '../../channels/telephony/forecast.ts';
import type { Nlu } from '../../dialogue/nlu/nlu.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { toE164 } from '../../shared/phone.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { Caller } from '../auth/caller.ts';
import type { CalleeRecording, RecordingService } from '../recordings/recordings.service.ts';
import type { PlanPage, PlanStatus, RoundSummary, StrategySummary } from './plan-views.ts';
import { checkedWindows } from '../compliance/compliance.settings.ts';
import { appSettings } from '../auth/app-directory.ts';
import { usableRobot } from '../robots/robots.service.ts';
import { isActive, stopTask } from '../tasks/task-lifecycle.ts';
import { countsOfTask, lockTaskRow } from '../tasks/task-access.ts';
import { normaliseCallees, taskWindow } from '../tasks/task-input.ts';
import { createTaskInTx, type TaskService } from '../tasks/tasks.service.ts';
import { isBuiltinStrategyName } from './builtin-strategies.ts';
import { endPlan, PlanAdvancer, roundSpec } from './plan-advance.ts';
import { forecastPlan, type PlanForecast } from './plan-forecast.ts';
import * as repo from './plans.repository.ts';
import type { CreatePlan, CreateStrategy, DryRunPlan } from './plans.schema.ts';

function toStrategy(s: repo.StrategyRow): StrategySummary {
  return {
    id: s.id,
    name: s.name,
    roundCount: s.rounds.length,
    builtIn: s.app_id === null,
    createdAt: s.created_at,
  };
}

function toStatus(plan: repo.PlanRow): PlanStatus {
  return {
    id: plan.id,
    name: plan.plan_name,
    strategyId: plan.strategy_id,
    status: plan.status,
    currentRound: plan.current_round,
    totalRounds: plan.rounds.length,
    startTime: plan.start_time,
    endTime: plan.end_time,
    endReason: plan.end_reason,
    lastError: plan.last_error,
  };
}

/** A recording of a number in one of the plan's rounds. */
export interface PlanRecording {
  round: number;
  taskId: string;
  recording: CalleeRecording;
}

export class PlanService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #tasks: TaskService;
  readonly #recordings: RecordingService;
  /** What the dry run plays calls through: the call control's forecast (if any) and the NLU. */
  readonly #world: { forecaster?: DialForecaster | undefined; nlu: Nlu };
  readonly #advancer: PlanAdvancer;

  constructor(
    db: Db,
    clock: Clock,
    tasks: TaskService,
    recordings: RecordingService,
    world: { forecaster?: DialForecaster | undefined; nlu: Nlu },
  ) {
    this.#db = db;
    this.#clock = clock;
    this.#tasks = tasks;
    this.#recordings = recordings;
    this.#world = world;
    this.#advancer = new PlanAdvancer(db, clock, (line) => tasks.callerNumber(line));
  }

  async listStrategies(caller: Caller): Promise<StrategySummary[]> {
    return (await repo.listStrategies(this.#db, caller.appId)).map(toStrategy);
  }

  async createStrategy(caller: Caller, body: CreateStrategy): Promise<StrategySummary> {
    if (isBuiltinStrategyName(body.name))
      throw new AppError('duplicate_name', `strategy "${body.name}" is a built-in strategy's name`);
    for (const [i, round] of body.rounds.entries()) {
      if (round.robot_id && !(await usableRobot(this.#db, caller.appId, Number(round.robot_id)))) {
        throw new AppError('robot_not_found', `rounds[${i}].robot_id ${round.robot_id}`);
      }
      checkedWindows(round.calling_windows, `rounds[${i}].calling_windows`);
      if (round.caller_number !== undefined && !toE164(round.caller_number)) {
        throw new AppError('invalid_phone', `rounds[${i}].caller_number "${round.caller_number}"`);
      }
    }
    const row = await repo
      .insertStrategy(this.#db, caller.appId, body.name, body.rounds)
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505')
          throw new AppError('duplicate_name', `strategy "${body.name}"`);
        throw error;
      });
    return toStrategy(row);
  }

  /** What create and the dry run check alike: the strategy, the robot, the times and the numbers. */
  async #prepare(caller: Caller, body: DryRunPlan) {
    const strategy = await repo.findStrategy(this.#db, caller.appId, Number(body.strategy_id));
    if (!strategy) throw new AppError('strategy_not_found', `strategy_id ${body.strategy_id}`);
    const robotId = body.robot_id ?? strategy.rounds[0]?.robot_id;
    if (!robotId)
      throw new AppError('bad_request', 'robot_id: the strategy names no robot for round 1');
    if (!(await usableRobot(this.#db, caller.appId, Number(robotId)))) {
      throw new AppError('robot_not_found', `robot_id ${robotId}`);
    }
    const { start, end } = taskWindow(body, caller.timezone, this.#clock.now());
    return { strategy, start, end, callees: normaliseCallees(body.callees) };
  }

  /** Validates everything, then writes the plan and its first round's task in one transaction. */
  async create(caller: Caller, body: CreatePlan): Promise<{ planId: string }> {
    const { strategy, start, end, callees } = await this.#prepare(caller, body);
    const plan: repo.PlanRow = {
      id: newId(),
      app_id: caller.appId,
      plan_name: body.plan_name,
      strategy_id: strategy.id,
      rounds: strategy.rounds,
      robot_id: body.robot_id ? Number(body.robot_id) : null,
      status: 'Running',
      current_round: 1,
      end_reason: '',
      last_error: '',
      start_time: start,
      end_time: end,
      created_at: start,
      finished_at: null,
    };
    await this.#db
      .transaction(async (tx) => {
        if (await repo.planNameTaken(tx, caller.appId, body.plan_name)) {
          throw new AppError('duplicate_name', `plan "${body.plan_name}"`);
        }
        await repo.insertPlan(tx, plan);
        await createTaskInTx(
          tx,
          caller,
          roundSpec(plan, 1, callees, start, (line) => this.#tasks.callerNumber(line)),
        );
      })
      .catch((error: unknown) => {
        // Two creates of one name at once: the loser meets the unique name.
        if ((error as { constraint?: string }).constraint === 'plans_app_id_plan_name_key')
          throw new AppError('duplicate_name', `plan "${body.plan_name}"`);
        throw error;
      });
    return { planId: plan.id };
  }

  /** Runs when a round's task has ended (the `plan.advance` job): see PlanAdvancer. */
  advance(planId: string, round: number): Promise<void> {
    return this.#advancer.advance(planId, round);
  }

  /** A `plan.advance` try failed with an error worth retrying (see PlanAdvancer.retryFailed). */
  advanceFailed(
    planId: string,
    round: number,
    error: unknown,
    attempt: { attempts: number; max_attempts: number },
  ): Promise<void> {
    return this.#advancer.retryFailed(planId, round, error, attempt);
  }

  /** The plan as create would make it, forecast round by round; nothing is written. */
  async dryRun(caller: Caller, body: DryRunPlan): Promise<PlanForecast> {
    const { strategy, start, end, callees } = await this.#prepare(caller, body);
    if (body.plan_name && (await repo.planNameTaken(this.#db, caller.appId, body.plan_name))) {
      throw new AppError('duplicate_name', `plan "${body.plan_name}"`);
    }
    const robots: RobotDefinition[] = [];
    for (const round of strategy.rounds) {
      const id = Number(round.robot_id ?? body.robot_id ?? strategy.rounds[0]?.robot_id);
      const robot = await usableRobot(this.#db, caller.appId, id);
      if (!robot) throw new AppError('robot_not_found', `robot_id ${id}`);
      robots.push(robot.definition);
    }
    const app = (await appSettings(this.#db, caller.appId))!;
    return forecastPlan(this.#db, this.#world, {
      appId: caller.appId,
      app: {
        timezone: app.timezone,
        calling_windows: app.callingWindows,
        contact_caps: app.contactCaps,
        auto_dnc_on_optout: app.autoDncOnOptout,
      },
      rounds: strategy.rounds,
      robots,
      callees,
      start,
      end,
    });
  }

  /** The plan operation: "stop" in any case, as for a task's. */
  async operate(caller: Caller, planId: string, operation: string): Promise<void> {
    if (operation.toLowerCase() !== 'stop')
      throw new AppError('unknown_operation', `operation must be one of stop, not "${operation}"`);
    await this.stop(caller, planId);
  }

  async stop(caller: Caller, planId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const plan = await this.#lockOwn(tx, caller, planId);
      if (plan.status !== 'Running') throw new AppError('plan_finished');
      const task = (await repo.roundTasks(tx, planId)).find((t) => t.round === plan.current_round);
      if (task && isActive(task)) {
        const locked = await lockTaskRow(tx, task.id);
        if (locked) await stopTask(tx, locked, this.#clock.now());
      }
      await endPlan(tx, plan, 'Stopped', 'stopped by the plan operation', this.#clock.now());
    });
  }

  /** Leaves a number out of every later round, and cancels it in the round now running. */
  async cancelNumber(
    caller: Caller,
    body: { plan_id: string; callee_number?: string; case_id?: string },
  ) {
    if (body.callee_number === undefined && body.case_id === undefined) {
      throw new AppError('bad_request', 'give callee_number or case_id');
    }
    const number = body.callee_number === undefined ? '' : toE164(body.callee_number);
    if (number === undefined) throw new AppError('invalid_phone', `"${body.callee_number}"`);
    const current = await this.#db.transaction(async (tx) => {
      const plan = await this.#lockOwn(tx, caller, body.plan_id);
      if (plan.status !== 'Running') throw new AppError('plan_finished');
      await repo.addCancellation(tx, plan.id, number, body.case_id ?? '');
      return (await repo.roundTasks(tx, plan.id)).find((t) => t.round === plan.current_round);
    });
    if (!current || !isActive(current)) return { cancelled: 0 };
    try {
      return await this.#tasks.cancelNumber(caller, { ...body, task_id: current.id });
    } catch (error) {
      // Not in this round, or already final here: the later rounds are what this protects.
      if (
        error instanceof AppError &&
        ['callee_not_found', 'callee_final', 'task_finished'].includes(error.key)
      ) {
        return { cancelled: 0 };
      }
      throw error;
    }
  }

  async status(caller: Caller, planId: string): Promise<PlanStatus> {
    return toStatus(await this.#own(caller, planId));
  }

  /** The app's plans with their status and end reason, newest first. */
  async list(
    caller: Caller,
    query: { status?: repo.PlanRow['status']; page?: number; page_size?: number },
  ): Promise<PlanPage> {
    const page = query.page ?? 1;
    const size = query.page_size ?? 20;
    const { total, rows } = await repo.listPlans(this.#db, caller.appId, {
      status: query.status,
      offset: (page - 1) * size,
      limit: size,
    });
    return { total, page, pageSize: size, plans: rows.map(toStatus) };
  }

  async rounds(caller: Caller, planId: string): Promise<RoundSummary[]> {
    const plan = await this.#own(caller, planId);
    const list: RoundSummary[] = [];
    for (const task of await repo.roundTasks(this.#db, plan.id)) {
      list.push({
        round: task.round,
        taskId: task.id,
        status: task.status,
        startTime: task.started_at ?? task.start_time,
        endTime: task.finished_at ?? task.end_time,
        counts: await countsOfTask(this.#db, task.id),
      });
    }
    return list;
  }

  /** Every recording of one number across the plan's rounds (spec P14). */
  async recordingsOf(
    caller: Caller,
    query: { plan_id: string; callee_number?: string; case_id?: string },
  ): Promise<PlanRecording[]> {
    const plan = await this.#own(caller, query.plan_id);
    const list: PlanRecording[] = [];
    let inPlan = false;
    for (const task of await repo.roundTasks(this.#db, plan.id)) {
      try {
        const found = await this.#recordings.forCallee(caller, { ...query, task_id: task.id });
        inPlan = true;
        list.push(...found.map((recording) => ({ round: task.round, taskId: task.id, recording })));
      } catch (error) {
        if (!(error instanceof AppError && error.key === 'callee_not_found')) throw error;
      }
    }
    // As /case for a task: a number that is in no round is an error, not an empty list.
    if (!inPlan) throw new AppError('callee_not_found', 'in no round of the plan');
    return list;
  }

  async #own(caller: Caller, planId: string): Promise<repo.PlanRow> {
    const plan = isId(planId) ? await repo.findPlan(this.#db, caller.appId, planId) : undefined;
    if (!plan) throw new AppError('plan_not_found');
    return plan;
  }

  async #lockOwn(tx: Queryable, caller: Caller, planId: string): Promise<repo.PlanRow> {
    const plan = isId(planId) ? await repo.lockPlan(tx, planId) : undefined;
    if (!plan || plan.app_id !== caller.appId) throw new AppError('plan_not_found');
    return plan;
  }
}
