import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import { newId } from '../../shared/ids.ts';
import type { TaskRow } from '../tasks/task-access.ts';
import type { AllowedCallee } from './claim-decisions.ts';
import type { AppSettings } from '../auth/app-directory.ts';
import type { CallToInsert } from './dial-claims.repository.ts';

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

/** The call rows of the allowed numbers, in their order, each keeping its compliance audit. */
export function attemptsToWrite(
  task: TaskRow,
  robot: { version: number },
  workerId: string,
  allowed: readonly AllowedCallee[],
  startedAt: Date,
): CallToInsert[] {
  return allowed.map(({ callee, audit }) => ({
    id: newId(),
    app_id: task.app_id,
    task_id: task.id,
    callee_id: callee.id,
    attempt: callee.attempts,
    robot_id: task.robot_id,
    robot_version: robot.version,
    callee_number: callee.callee_number,
    case_id: callee.case_id,
    caller_number: task.caller_number,
    worker_id: workerId,
    started_at: startedAt,
    compliance: audit,
  }));
}

/** What the dialer needs of each written attempt (`calls[i]` is the row of `allowed[i]`). */
export function claimedCalls(
  task: TaskRow,
  app: AppSettings,
  robot: { definition: RobotDefinition; version: number },
  calls: readonly CallToInsert[],
  allowed: readonly AllowedCallee[],
  startedAt: Date,
): ClaimedCall[] {
  return calls.map((call, i) => ({
    callId: call.id,
    taskId: task.id,
    appId: task.app_id,
    calleeId: call.callee_id,
    attempt: call.attempt,
    to: call.callee_number,
    from: call.caller_number,
    startedAt,
    callee: allowed[i]!.callee.data,
    robot: robot.definition,
    robotVersion: robot.version,
    zone: allowed[i]!.zone,
    optOutListed: app.autoDncOnOptout,
  }));
}
