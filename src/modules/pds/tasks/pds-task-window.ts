import { AppError } from '../../../shared/errors.ts';
import { dateTimeProblem, parseDateTime } from '../../../shared/time.ts';
import { instantAtOrAfter, localMoment, sameDate } from '../../../shared/zoned-time.ts';
import { absent, refuse } from './pds-fields.ts';

// When a PDS task runs: startTime ("" = as soon as possible) to autoEndTime, both
// `YYYY-MM-DD HH:MM:SS` in the app's zone, on one day, at least 5 minutes apart (AIRudder's
// 10620 and 10621). Without autoEndTime the task runs to the end of its start's day.

/** A start this far in the past is read as "now": the client's clock and ours differ a little. */
export const START_GRACE_MS = 60_000;
export const MIN_TASK_MS = 5 * 60_000;

export interface PdsWindowInput {
  startTime?: unknown;
  autoEndTime?: unknown;
}

function readTime(field: string, value: unknown, zone: string): Date {
  const text = typeof value === 'string' ? value : '';
  const date = text === '' ? undefined : parseDateTime(text, zone);
  if (!date)
    throw refuse(
      'pds_field_invalid',
      field,
      value,
      typeof value === 'string' ? dateTimeProblem(value)! : 'a YYYY-MM-DD HH:MM:SS text',
    );
  return date;
}

export function pdsTaskWindow(
  input: PdsWindowInput,
  zone: string,
  now: Date,
): { start: Date; end: Date } {
  let start = now;
  if (!absent(input.startTime)) {
    const asked = readTime('startTime', input.startTime, zone);
    if (asked.getTime() < now.getTime() - START_GRACE_MS)
      throw new AppError('start_time_past', `startTime ${JSON.stringify(input.startTime)}`);
    if (asked > now) start = asked;
  }
  const day = localMoment(start, zone);
  const end = absent(input.autoEndTime)
    ? new Date(instantAtOrAfter(day, 86_400, zone).getTime() - 1000)
    : readTime('autoEndTime', input.autoEndTime, zone);
  if (end.getTime() - start.getTime() < MIN_TASK_MS)
    throw new AppError(
      'pds_end_time_too_close',
      `autoEndTime ${JSON.stringify(input.autoEndTime ?? '')} is less than 5 minutes after the start`,
    );
  if (!sameDate(localMoment(end, zone), day))
    throw new AppError(
      'pds_end_time_other_day',
      `autoEndTime ${JSON.stringify(input.autoEndTime)} is not on the start's day (${zone})`,
    );
  return { start, end };
}
