import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import { missingVariablesOf } from '../../dialogue/script/variables.ts';
import type { Queryable } from '../../store/db.ts';
import { windowOpensBetween } from '../compliance/compliance.service.ts';
import { listedAmong } from '../dnc/dnc.service.ts';
import type { NewCallee } from './tasks.repository.ts';

// What POST /service/cloud/task answers in data.warnings: numbers that cannot be dialled before
// the task ends. The task is created anyway (a warning never refuses it); each such number ends
// with its own terminal report (end_reason) when the task ends or when it comes due.

export type WarningReason = 'outside_calling_window' | 'dnc' | 'missing_variables';

export interface CreationWarning {
  callee_number: string;
  case_id: string;
  reason: WarningReason;
  message: string;
}

export interface WarningInput {
  appId: number;
  /** The task's robot (its id and current definition): what a variables check reads. */
  robot: { id: number; definition: RobotDefinition };
  appZone: string;
  appWindows: unknown;
  taskWindows: unknown;
  start: Date;
  end: Date;
  callees: readonly NewCallee[];
}

/** The warning list of a new task, built in this one place, in this order. */
export async function creationWarnings(
  q: Queryable,
  input: WarningInput,
): Promise<CreationWarning[]> {
  const producers = [dncWarnings(q, input), windowWarnings(input), variableWarnings(input)];
  return (await Promise.all(producers)).flat();
}

async function dncWarnings(q: Queryable, input: WarningInput): Promise<CreationWarning[]> {
  const listed = await listedAmong(
    q,
    input.appId,
    input.callees.map((c) => c.callee_number),
  );
  return input.callees
    .filter((c) => listed.has(c.callee_number))
    .map((c) => ({
      callee_number: c.callee_number,
      case_id: c.case_id,
      reason: 'dnc' as const,
      message: 'on the do-not-call list: it will not be dialled (end_reason dnc)',
    }));
}

function windowWarnings(input: WarningInput): CreationWarning[] {
  const opens = windowOpensBetween(
    input.callees.map((c) => ({ number: c.callee_number, contactZone: c.data.timezone })),
    { appZone: input.appZone, appWindows: input.appWindows, taskWindows: input.taskWindows },
    input.start,
    input.end,
  );
  return input.callees
    .filter((_, i) => !opens[i])
    .map((c) => ({
      callee_number: c.callee_number,
      case_id: c.case_id,
      reason: 'outside_calling_window' as const,
      message:
        "its calling window (in the callee's own zone) does not open between start_time and end_time: it will expire undialled (end_reason expired_window)",
    }));
}

/** Callees lacking variables the robot says without a fallback: the line is said without them. */
function variableWarnings(input: WarningInput): CreationWarning[] {
  const missingFor = missingVariablesOf(input.robot.definition);
  return input.callees.flatMap((c) => {
    const missing = missingFor(c.data);
    if (missing.length === 0) return [];
    return [
      {
        callee_number: c.callee_number,
        case_id: c.case_id,
        reason: 'missing_variables' as const,
        message: `lacks ${missing.join(', ')}, which robot ${input.robot.id} says without a fallback: those words are left out of its lines`,
      },
    ];
  });
}
