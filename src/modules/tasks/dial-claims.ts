import type { Config } from '../../config.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import { newId } from '../../shared/ids.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { lockAppSettings } from '../auth/app-directory.ts';
import { currentScript } from '../robots/robots.service.ts';
import { checkAttempts } from '../compliance/compliance.service.ts';
import { lockContacts } from '../compliance/caps.ts';
import { inFlightCounts, insertCalls, type CallToInsert } from './calls.repository.ts';
import type { HoldReason } from './end-reason.ts';
import { reportNumberEnds } from './number-ends.ts';
import { finishIfDone } from './task-lifecycle.ts';
import { lockTask, setTaskStatus, type CalleeRow, type TaskRow } from './tasks.repository.ts';

const DAY_MS = 86_400_000;

/**
 * Puts back a number the rules do not allow now: it waits until `at` without this attempt
 * counting, remembering what held it (window or caps), or, when `at` is after the task's end, it
 * expires with that reason and is reported (true: the task may be done).
 */
async function deferCallee(
  tx: Queryable,
  task: TaskRow,
  callee: CalleeRow,
  at: Date,
  hold: HoldReason,
  now: Date,
): Promise<boolean> {
  if (at.getTime() < task.end_time.getTime()) {
    await tx.query(
      `UPDATE callees SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2,
         hold_reason = $3, updated_at = now()
       WHERE id = $1`,
      [callee.id, at, hold],
    );
    return false;
  }
  await tx.query(
    `UPDATE callees SET status = 'expired', attempts = attempts - 1, hold_reason = $2, updated_at = now()
     WHERE id = $1`,
    [callee.id, hold],
  );
  await reportNumberEnds(
    tx,
    task,
    [{ ...callee, status: 'expired', attempts: callee.attempts - 1, hold_reason: hold }],
    now,
  );
  return true;
}

/** Ends (and reports) the due numbers of a task that are on its app's do-not-call list; true if any. */
async function closeDncCallees(tx: Queryable, task: TaskRow, now: Date): Promise<boolean> {
  const listed = await tx.query<CalleeRow>(
    `UPDATE callees c SET status = 'dnc', updated_at = now()
     WHERE c.task_id = $1 AND c.status = 'pending' AND c.next_attempt_at <= $2
       AND EXISTS (SELECT 1 FROM dnc_numbers d WHERE d.app_id = c.app_id AND d.number = c.callee_number)
     RETURNING c.id, c.task_id, c.app_id, c.seq, c.case_id, c.callee_number, c.data, c.status, c.attempts,
       c.hold_reason`,
    [task.id, now],
  );
  if (listed.length === 0) return false;
  // Never dialled: a not_dialled record; dialled before it was listed: its last attempt.
  await reportNumberEnds(tx, task, listed, now);
  return true;
}

/** One attempt the dialer owns: its call row exists (state dialing) before the carrier is asked. */
export interface ClaimedCall {
  callId: string;
  taskId: string;
  appId: number;
  calleeId: number;
  attempt: number;
  to: string;
  from: string;
  startedAt: Date;
  callee: Record<string, unknown>;
  robot: RobotDefinition;
  robotVersion: number;
  /** The callee's zone as the compliance check resolved it: the conversation's dates use it too. */
  zone: string;
  /** The app lists verbal opt-outs (auto_dnc_on_optout): the robot may promise not to call again. */
  optOutListed: boolean;
}

/**
 * Claims due numbers for this worker. Per task, under the app's and the task's row locks, it
 * counts the calls in progress and claims only what the caps allow; SKIP LOCKED keeps workers
 * off each other's numbers. Each claim creates the attempt's call row in the same transaction,
 * so a number is never dialled twice for one attempt.
 */
export async function claimDueCalls(
  db: Db,
  config: Config,
  workerId: string,
  limit: number,
  now: Date,
): Promise<ClaimedCall[]> {
  // Only tasks with room under both caps: full ones must not crowd the others out of the 50.
  // boundary-exempt: apps — the app cap is read in this one listing statement across many apps;
  // fetching it first would cost a round trip per claim on the dial path (docs/modules.md).
  const tasks = await db.query<{ id: string; app_id: number }>(
    `SELECT t.id, t.app_id FROM tasks t JOIN apps a ON a.id = t.app_id
     WHERE t.status IN ('Waiting', 'Running') AND t.start_time <= $3 AND t.end_time > $3
       AND EXISTS (SELECT 1 FROM callees c WHERE c.task_id = t.id AND c.status = 'pending' AND c.next_attempt_at <= $3)
       AND (SELECT count(*) FROM calls k WHERE k.task_id = t.id AND k.state = 'dialing') < coalesce(t.max_concurrency, $1)
       AND (SELECT count(*) FROM calls k WHERE k.app_id = t.app_id AND k.state = 'dialing') < coalesce(a.max_concurrency, $2)
     ORDER BY t.created_at, t.id LIMIT 50`,
    [config.taskConcurrency, config.appConcurrency, now],
  );
  const claimed: ClaimedCall[] = [];
  for (const task of tasks) {
    if (claimed.length >= limit) break;
    const batch = await db.transaction((tx) =>
      claimForTask(tx, config, workerId, task, limit - claimed.length, now),
    );
    claimed.push(...batch);
  }
  return claimed;
}

async function claimForTask(
  tx: Queryable,
  config: Config,
  workerId: string,
  ref: { id: string; app_id: number },
  want: number,
  now: Date,
): Promise<ClaimedCall[]> {
  const app = await lockAppSettings(tx, ref.app_id);
  const task = await lockTask(tx, ref.id);
  if (!app || !task || (task.status !== 'Waiting' && task.status !== 'Running')) return [];
  // Numbers on the app's do-not-call list are never dialled: they end here, before any claim.
  if (await closeDncCallees(tx, task, now)) await finishIfDone(tx, task, now);
  const busy = await inFlightCounts(tx, task.app_id, task.id);
  const room = Math.min(
    want,
    (app.maxConcurrency ?? config.appConcurrency) - busy.app,
    (task.max_concurrency ?? config.taskConcurrency) - busy.task,
  );
  if (room <= 0) return [];

  const callees = await tx.query<CalleeRow>(
    `UPDATE callees SET status = 'dialing', attempts = attempts + 1, hold_reason = NULL, updated_at = now()
     WHERE id IN (
       SELECT id FROM callees
       WHERE task_id = $1 AND status = 'pending' AND next_attempt_at <= $3
       ORDER BY next_attempt_at, id LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING id, task_id, app_id, seq, case_id, callee_number, data, status, attempts, hold_reason`,
    [task.id, room, now],
  );
  if (callees.length === 0) return [];
  const robot = await currentScript(tx, task.robot_id);
  const startedAt = now;
  await lockContacts(
    tx,
    task.app_id,
    callees.map((c) => ({ number: c.callee_number, caseId: c.case_id })),
  );
  // Every attempt passes the compliance rules first (calling window in the callee's zone,
  // contact caps across the app's tasks); within the batch, an attempt allowed earlier counts
  // for the later ones to the same number or case. The call rows are written together.
  const checks = await checkAttempts(
    tx,
    callees.map((c) => ({
      appId: task.app_id,
      number: c.callee_number,
      caseId: c.case_id,
      contactZone: c.data.timezone,
      appZone: app.timezone,
      appWindows: app.callingWindows,
      taskWindows: task.calling_windows,
      contactCaps: app.contactCaps,
      taskId: task.id,
      taskAttemptsPerDay: task.attempts_per_day,
      now: startedAt,
    })),
  );
  const calls: Array<CallToInsert & { callee: CalleeRow; zone: string }> = [];
  let closed = false;
  for (const [i, c] of callees.entries()) {
    const check = checks[i]!;
    if (!check.allowed) {
      closed =
        (await deferCallee(
          tx,
          task,
          c,
          check.nextOpen ?? new Date(startedAt.getTime() + DAY_MS),
          // The calling window wins when both stand in the way: it is what the integrator sets.
          check.audit.blocked_by === 'caps' ? 'caps' : 'window',
          now,
        )) || closed;
      continue;
    }
    calls.push({
      id: newId(),
      app_id: task.app_id,
      task_id: task.id,
      callee_id: c.id,
      attempt: c.attempts,
      robot_id: task.robot_id,
      robot_version: robot!.version,
      callee_number: c.callee_number,
      case_id: c.case_id,
      caller_number: task.caller_number,
      worker_id: workerId,
      started_at: startedAt,
      compliance: check.audit,
      callee: c,
      zone: check.audit.zone.zone,
    });
  }
  await insertCalls(
    tx,
    calls.map(({ callee: _callee, zone: _zone, ...call }) => call),
  );
  if (closed) await finishIfDone(tx, task, now);
  if (calls.length === 0) return [];
  if (task.status === 'Waiting') await setTaskStatus(tx, task.id, 'Running', now);
  return calls.map((call) => ({
    callId: call.id,
    taskId: task.id,
    appId: task.app_id,
    calleeId: call.callee_id,
    attempt: call.attempt,
    to: call.callee_number,
    from: call.caller_number,
    startedAt,
    callee: call.callee.data,
    robot: robot!.definition,
    robotVersion: robot!.version,
    zone: call.zone,
    optOutListed: app.autoDncOnOptout,
  }));
}
