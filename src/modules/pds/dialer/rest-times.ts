import { inZone } from '../../../shared/time.ts';
import type { RestTime } from '../pds-settings.ts';

// A PDS task's rest times (createtask restTimes): daily windows, in the app's zone, in which the
// dialer opens no new line. Calls already up go on. A window whose end is before its start runs
// past midnight.

/** Whether `at` falls inside one of the rest windows, read in `zone`. */
export function inRestTime(restTimes: readonly RestTime[], at: Date, zone: string): boolean {
  if (restTimes.length === 0) return false;
  const clock = inZone(at, zone).toFormat('HH:mm:ss');
  return restTimes.some(({ start, end }) =>
    start <= end ? clock >= start && clock < end : clock >= start || clock < end,
  );
}
