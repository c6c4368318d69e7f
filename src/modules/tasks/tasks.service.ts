import type { Config } from '../../config.ts';
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { toE164 } from '../../shared/phone.ts';
import { dateTimeProblem, parseDateTime } from '../../shared/time.ts';
import { enqueue } from '../../queue/job-types.ts';
import { notify, type Db, type Queryable } from '../../store/db.ts';
import { checkedWindows } from '../compliance/compliance.settings.ts';
import { appSettings } from '../auth/app-directory.ts';
import { usableRobot } from '../robots/robots.service.ts';
import { DIAL_CHANNEL } from './call-finalizer.ts';
import { callWithEarlierAttempts, finalCallsOf } from './calls.repository.ts';
import { creationWarnings, type CreationWarning } from './creation-warnings.ts';
import { detailPage, type DetailPageRecord } from './detail-page.repository.ts';
import { endReasonOf, wasDialled } from './end-reason.ts';
import { reportNumberEnds } from './number-ends.ts';
import { finishIfDone, stopTask } from './task-lifecycle.ts';
import { pauseTask, resumeTask, taskOperation } from './task-pause.ts';
import { TASK_END, taskEndKey } from './tasks.jobs.ts';
import { cancelCallees, cancelCalleesByNumbers } from './callee-cancels.repository.ts';
import * as repo from './tasks.repository.ts';
import type { CreateTask } from './tasks.schema.ts';
import type { CallInfo, DetailPage, Page, TaskSummary } from './task-views.ts';
import { normaliseCallees, taskWindow } from './task-input.ts';

/** PostgreSQL's unique_violation (PGlite reports the same code). */
const UNIQUE_VIOLATION = '23505';

/** Signed recording links of calls (the recordings module provides them). */
export interface RecordingLinks {
  linksFor(appId: number, callIds: string[]): Promise<Map<string, string>>;
  /** Links of calls the caller has already found recorded for its app (no lookup). */
  signedLinks(callIds: string[]): Promise<Map<string, string>>;
}

export class TaskService {
  readonly #db: Db;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #links: RecordingLinks;

  constructor(db: Db, config: Config, clock: Clock, links: RecordingLinks) {
    this.#db = db;
    this.#config = config;
    this.#clock = clock;
    this.#links = links;
  }

  /**
   * Validates everything first, then writes the task, its numbers and its end timer in one
   * transaction. With an idempotency key, asking again answers the first task instead of making
   * another; a number already queued in an active task of the app is not queued again. The answer
   * lists `warnings`: numbers that cannot be dialled before the task ends (creation-warnings.ts).
   */
  async create(
    caller: Caller,
    body: CreateTask,
    idempotencyKey?: string,
  ): Promise<{ task_id: string; skipped_duplicates: number; warnings: CreationWarning[] }> {
    const replay = (taskId: string) => ({ task_id: taskId, skipped_duplicates: 0, warnings: [] });
    if (idempotencyKey !== undefined) {
      const existing = await repo.taskByIdempotencyKey(this.#db, caller.appId, idempotencyKey);
      if (existing) return replay(existing);
    }
    const robot = await usableRobot(this.#db, caller.appId, Number(body.robot_id));
    if (!robot) throw new AppError('robot_not_found', `robot_id ${body.robot_id}`);
    const now = this.#clock.now();
    const { start, end } = taskWindow(body, caller.timezone, now);
    const callees = normaliseCallees(body.callees);
    const line = this.callerNumber(body.line);
    const callingWindows = checkedWindows(body.calling_windows, 'calling_windows');
    // Read before the write: a failure here leaves nothing half done.
    const app = await appSettings(this.#db, caller.appId);
    const warnings = await creationWarnings(this.#db, {
      appId: caller.appId,
      robot: { id: robot.id, definition: robot.definition },
      appZone: caller.timezone,
      appWindows: app?.callingWindows ?? null,
      taskWindows: callingWindows ?? null,
      start: start > now ? start : now,
      end,
      callees,
    });
    const created = await this.#db
      .transaction(async (tx) => {
        // A request with the same key that committed since the check above: answer its task.
        if (idempotencyKey !== undefined) {
          const first = await repo.taskByIdempotencyKey(tx, caller.appId, idempotencyKey);
          if (first) return replay(first);
        }
        return createTaskInTx(tx, caller, {
          task_name: body.task_name,
          robot_id: robot.id,
          start,
          end,
          redial_times: body.redial_times ?? 0,
          redial_interval_s: (body.redial_interval ?? 0) * 60,
          caller_number: line,
          max_concurrency: body.max_concurrency ?? null,
          calling_windows: callingWindows,
          callees,
          ...(idempotencyKey !== undefined ? { idempotency_key: idempotencyKey } : {}),
        });
      })
      .catch(async (error: unknown) => {
        const { code, constraint } = error as { code?: string; constraint?: string };
        const nameOrKeyTaken =
          code === UNIQUE_VIOLATION &&
          (constraint === 'tasks_app_id_task_name_key' || constraint === 'tasks_idempotency');
        // What the winner's commit makes the loser meet: its numbers now queued in an active task.
        const numbersTaken = error instanceof AppError && error.key === 'duplicate_callee';
        const raced = nameOrKeyTaken || numbersTaken;
        // Two requests with one key at once: the loser fails on the name, the key or the numbers,
        // whichever it meets first; the answer is the winner's task. Any other failure (and these
        // ones without a task of that key) is the answer.
        if (raced && idempotencyKey !== undefined) {
          const first = await repo.taskByIdempotencyKey(this.#db, caller.appId, idempotencyKey);
          if (first) return replay(first);
        }
        if (nameOrKeyTaken && constraint === 'tasks_app_id_task_name_key')
          throw new AppError('duplicate_task_name', body.task_name);
        throw error;
      });
    // A replay (the key's first task) carries its own empty list; a new task gets this one.
    if ('warnings' in created) return created;
    return { task_id: created.task_id, skipped_duplicates: created.skipped_duplicates, warnings };
  }

  /** A task's caller number: the given line in E.164, or the configured default. */
  callerNumber(line: string | undefined): string {
    const number = line === undefined ? this.#config.defaultCallerNumber : toE164(line);
    if (!number) throw new AppError('invalid_phone', `line "${line}"`);
    return number;
  }

  async list(
    caller: Caller,
    query: {
      plan_id?: string;
      start_time?: string;
      end_time?: string;
      status?: repo.TaskStatus;
      page?: number;
      page_size?: number;
    },
  ): Promise<Page<TaskSummary>> {
    // Query times are read in the caller's zone, as the family writes them.
    const zone = caller.timezone;
    const bound = (name: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      const date = parseDateTime(text, zone);
      if (!date) throw new AppError('bad_request', `${name} "${text}" ${dateTimeProblem(text)}`);
      return date;
    };
    const page = query.page ?? 1;
    const size = query.page_size ?? 20;
    const { total, rows } = await repo.listTasks(this.#db, caller.appId, {
      createdFrom: bound('start_time', query.start_time),
      createdTo: bound('end_time', query.end_time),
      status: query.status,
      ...(query.plan_id !== undefined ? { planId: query.plan_id } : {}),
      offset: (page - 1) * size,
      limit: size,
    });
    return {
      total,
      page,
      pageSize: size,
      items: rows.map((t): TaskSummary => ({
        id: t.id,
        name: t.task_name,
        robotId: t.robot_id,
        status: t.status,
        planId: t.plan_id,
        round: t.round,
        createdAt: t.created_at,
        startTime: t.start_time,
        endTime: t.end_time,
        totalCount: t.total_count,
        calledCount: t.called_count,
        connectedCount: t.connected_count,
      })),
    };
  }

  async operate(caller: Caller, taskId: string, operation: string): Promise<void> {
    const op = taskOperation(operation);
    await this.#db.transaction(async (tx) => {
      const task = await this.#lockOperable(tx, caller, taskId);
      if (op === 'pause') return pauseTask(tx, task, this.#clock.now());
      if (op === 'resume') return resumeTask(tx, task, this.#clock.now());
      if (task.status === 'Stopped' || task.status === 'Finished')
        throw new AppError('task_finished');
      await stopTask(tx, task, this.#clock.now());
    });
  }

  async cancelNumber(
    caller: Caller,
    body: { task_id: string; callee_number?: string; case_id?: string },
  ) {
    if (body.callee_number === undefined && body.case_id === undefined) {
      throw new AppError('bad_request', 'give callee_number or case_id');
    }
    const number = body.callee_number === undefined ? undefined : toE164(body.callee_number);
    if (body.callee_number !== undefined && !number)
      throw new AppError('invalid_phone', `"${body.callee_number}"`);
    return this.#db.transaction(async (tx) => {
      const task = await this.#lockOperable(tx, caller, body.task_id);
      if (task.status === 'Stopped' || task.status === 'Finished')
        throw new AppError('task_finished');
      const { matched, cancelled, nowFinal } = await cancelCallees(tx, task.id, {
        ...(number ? { callee_number: number } : {}),
        ...(body.case_id !== undefined ? { case_id: body.case_id } : {}),
      });
      if (matched === 0) throw new AppError('callee_not_found');
      if (cancelled === 0) throw new AppError('callee_final');
      await reportNumberEnds(tx, task, nowFinal, this.#clock.now());
      await finishIfDone(tx, task, this.#clock.now());
      return { cancelled };
    });
  }

  /**
   * Cancels the given numbers (E.164) of a task of that kind still waiting or dialling, in one
   * transaction; answers the numbers cancelled (the PDS family's canceltaskcontacts).
   */
  async cancelNumbers(
    caller: Caller,
    taskId: string,
    numbers: readonly string[],
    kind: repo.TaskKind,
  ): Promise<string[]> {
    return this.#db.transaction(async (tx) => {
      const task = await this.#lockOperable(tx, caller, taskId, kind);
      if (task.status === 'Stopped' || task.status === 'Finished')
        throw new AppError('task_finished');
      const { cancelled, nowFinal } = await cancelCalleesByNumbers(tx, task.id, numbers);
      await reportNumberEnds(tx, task, nowFinal, this.#clock.now());
      await finishIfDone(tx, task, this.#clock.now());
      return [...new Set(cancelled.map((c) => c.callee_number))];
    });
  }

  async detail(
    caller: Caller,
    query: { task_id: string; page?: number; page_size?: number },
  ): Promise<DetailPage> {
    const page = query.page ?? 1;
    const size = query.page_size ?? 20;
    const found = isId(query.task_id)
      ? await detailPage(this.#db, caller.appId, query.task_id, (page - 1) * size, size)
      : undefined;
    if (!found) throw new AppError('task_not_found');
    const lastOf = (r: DetailPageRecord) => r.attempts.at(-1)!.id;
    const links = await this.#links.signedLinks(
      found.records.filter((r) => r.recorded).map(lastOf),
    );
    return {
      total: found.total,
      page,
      pageSize: size,
      taskStatus: found.task_status,
      items: found.records.map((record) => ({
        caseId: record.case_id,
        data: record.data,
        callee: { status: record.status, hold_reason: record.hold_reason },
        attempts: record.attempts,
        recordingUrl: links.get(lastOf(record)) ?? '',
      })),
    };
  }

  /** One attempt by its call id (spec T11): its result, its number, its recording and why it was allowed. */
  async callInfo(caller: Caller, callId: string): Promise<CallInfo> {
    const found = isId(callId)
      ? await callWithEarlierAttempts(this.#db, caller.appId, callId)
      : undefined;
    if (!found) throw new AppError('call_not_found');
    const { call, attempts } = found;
    if (call.state !== 'final') throw new AppError('call_in_progress');
    const callee = await repo.findCallee(this.#db, call.callee_id);
    const links = await this.#links.linksFor(caller.appId, [call.id]);
    // The number's end reason is that of its whole dialling, not of this (maybe earlier) attempt.
    const all = await finalCallsOf(this.#db, [call.callee_id]);
    return {
      caseId: call.case_id,
      data: callee?.data ?? {},
      callee: callee ?? { status: 'pending', hold_reason: null },
      attempts,
      recordingUrl: links.get(call.id) ?? '',
      endReason: callee ? endReasonOf(callee, all.findLast(wasDialled)?.outcome) : '',
      compliance: call.compliance,
    };
  }

  /**
   * The caller's task, locked, for an operation that changes it. A workflow's node task is run
   * by its workflow only (spec/workflow-api.md §1.4, 10704): stop or cancel through the workflow.
   */
  async #lockOperable(
    tx: Parameters<typeof repo.lockTask>[0],
    caller: Caller,
    taskId: string,
    kind: repo.TaskKind = 'robot',
  ) {
    const task = isId(taskId) ? await repo.lockTask(tx, taskId) : undefined;
    // Each family operates its own kind of task: a PDS task is not found by the cloud API.
    if (!task || task.app_id !== caller.appId || task.kind !== kind)
      throw new AppError('task_not_found');
    if (task.workflow_id !== null)
      throw new AppError(
        'workflow_task_locked',
        `task ${task.id} belongs to workflow ${task.workflow_id}`,
      );
    return task;
  }
}

export interface TaskSpec {
  task_name: string;
  robot_id: number;
  start: Date;
  end: Date;
  redial_times: number;
  redial_interval_s: number;
  caller_number: string;
  max_concurrency: number | null;
  callees: repo.NewCallee[];
  plan_id?: string;
  round?: number;
  /**
   * The workflow whose call node makes this task (docs/workflows.md). Its name need not be
   * unique, and its numbers are queued even when another active task holds them: a record's
   * number is called when its workflow says so (the contact ledger's caps still apply at dial
   * time). The ordinary task operations refuse it (workflow_task_locked).
   */
  workflow_id?: string;
  idempotency_key?: string;
  calling_windows?: unknown;
  attempts_per_day?: number | null;
  /** `pds`: a predictive-dialer task, its settings in `pds` (docs/pds-api.md); default `robot`. */
  kind?: repo.TaskKind;
  pds?: object;
}

/** Writes a validated task, its numbers and its end timer, and wakes the dialer, in the caller's transaction. */
export async function createTaskInTx(
  tx: Queryable,
  caller: Caller,
  spec: TaskSpec,
): Promise<{ task_id: string; skipped_duplicates: number; skipped: repo.NewCallee[] }> {
  // Names are unique among the app's own tasks; round tasks are unique per (plan, round), and a
  // workflow's node tasks are named after their node, however many the workflow makes.
  const ownName = spec.plan_id === undefined && spec.workflow_id === undefined;
  if (ownName && (await repo.taskNameTaken(tx, caller.appId, spec.task_name))) {
    throw new AppError('duplicate_task_name', spec.task_name);
  }
  // A number already waiting or dialling in an active task of the app is not queued twice; a
  // workflow queues every number it is given (its records are called by the workflow).
  const open =
    spec.workflow_id === undefined
      ? await repo.openDuplicates(tx, caller.appId, spec.callees)
      : new Set<string>();
  const isOpen = (c: repo.NewCallee) => open.has(`${c.case_id}\u0000${c.callee_number}`);
  const callees = spec.callees.filter((c) => !isOpen(c)).map((c, seq) => ({ ...c, seq }));
  if (callees.length === 0) {
    // A simultaneous create of the same name may have committed between the two reads above:
    // its numbers then look queued, but the name is the true conflict, so it is the one reported.
    if (ownName && (await repo.taskNameTaken(tx, caller.appId, spec.task_name))) {
      throw new AppError('duplicate_task_name', spec.task_name);
    }
    throw new AppError(
      'duplicate_callee',
      'every number is already queued in an active task of this app',
    );
  }
  const taskId = newId();
  await repo.insertTask(tx, {
    id: taskId,
    app_id: caller.appId,
    task_name: spec.task_name,
    robot_id: spec.robot_id,
    start_time: spec.start,
    end_time: spec.end,
    redial_times: spec.redial_times,
    redial_interval_s: spec.redial_interval_s,
    caller_number: spec.caller_number,
    max_concurrency: spec.max_concurrency,
    total_count: callees.length,
    plan_id: spec.plan_id ?? null,
    workflow_id: spec.workflow_id ?? null,
    round: spec.round ?? 0,
    idempotency_key: spec.idempotency_key ?? null,
    calling_windows: spec.calling_windows ?? null,
    attempts_per_day: spec.attempts_per_day ?? null,
    kind: spec.kind ?? 'robot',
    pds: spec.pds ?? null,
  });
  await repo.insertCallees(tx, taskId, caller.appId, callees, spec.start);
  await enqueue(tx, TASK_END, { task_id: taskId }, { runAt: spec.end, key: taskEndKey(taskId) });
  await notify(tx, DIAL_CHANNEL);
  return {
    task_id: taskId,
    skipped_duplicates: spec.callees.length - callees.length,
    skipped: spec.callees.filter(isOpen),
  };
}
