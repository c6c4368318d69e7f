import { AppError } from '../../shared/errors.ts';
import { phoneProblem, toE164 } from '../../shared/phone.ts';
import { dateTimeProblem, parseDateTime } from '../../shared/time.ts';
import type { NewCallee } from './tasks.repository.ts';
import { MAX_CALLEE_BYTES, type CreateTask } from './tasks.schema.ts';

// The checks of a new task's (or plan's) time window and callee list: everything is refused on
// the first problem, before anything is written.

const DAY_MS = 86_400_000;

/** The calling window of a new task or plan: start defaults to now, end to 24 h after start. */
export function taskWindow(
  body: { start_time?: string | undefined; end_time?: string | undefined },
  zone: string,
  now: Date,
): { start: Date; end: Date } {
  const start = body.start_time === undefined ? now : parseDateTime(body.start_time, zone);
  if (!start)
    throw new AppError(
      'invalid_time',
      `start_time "${body.start_time}" ${dateTimeProblem(body.start_time!)}`,
    );
  const end =
    body.end_time === undefined
      ? new Date(start.getTime() + DAY_MS)
      : parseDateTime(body.end_time, zone);
  if (!end)
    throw new AppError(
      'invalid_time',
      `end_time "${body.end_time}" ${dateTimeProblem(body.end_time!)}`,
    );
  if (end <= start) throw new AppError('invalid_time', 'end_time must be after start_time');
  if (end <= now) throw new AppError('invalid_time', 'end_time is in the past');
  return { start, end };
}

/** E.164 numbers, no duplicate (case_id, number) pair; the whole upload is refused on the first bad one. */
export function normaliseCallees(callees: CreateTask['callees']): NewCallee[] {
  const seen = new Set<string>();
  return callees.map((callee, i) => {
    const number = toE164(callee.callee_number);
    if (!number)
      throw new AppError(
        'invalid_phone',
        `callees[${i}].callee_number "${callee.callee_number}" ${phoneProblem(callee.callee_number)}`,
      );
    const bytes = Buffer.byteLength(JSON.stringify(callee));
    if (bytes > MAX_CALLEE_BYTES)
      throw new AppError(
        'bad_request',
        `callees[${i}] (${number}) is ${bytes} bytes as JSON; at most ${MAX_CALLEE_BYTES}`,
      );
    const caseId = callee.case_id ?? '';
    const key = `${caseId}\u0000${number}`;
    if (seen.has(key))
      throw new AppError(
        'duplicate_callee',
        `callees[${i}] repeats case_id "${caseId}" with ${number}`,
      );
    seen.add(key);
    return {
      seq: i,
      case_id: caseId,
      callee_number: number,
      data: { ...callee, case_id: caseId, callee_number: number },
    };
  });
}
