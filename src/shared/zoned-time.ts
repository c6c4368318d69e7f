// Wall-clock arithmetic in an IANA zone, for rules written in local time ("08:00 on weekdays",
// "the callee's day"). Only Intl is trusted with offsets: DST gaps, repeated hours and :30/:45
// zones all come out of the same two primitives below.
import { calendarDay, zoneOffsetMs } from './time.ts';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalMoment extends LocalDate {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  isoDay: number;
  /** Seconds since local midnight, 0 … 86399. */
  seconds: number;
}

const DAY_MS = 86_400_000;

/** The wall time of an instant as if it were UTC, in ms (the basis of all comparisons here). */
function wallMs(instant: number, zone: string): number {
  return Math.floor(instant / 1000) * 1000 + zoneOffsetMs(new Date(instant), zone);
}

export function localMoment(date: Date, zone: string): LocalMoment {
  const { year, month, day } = calendarDay(date, zone);
  const wall = wallMs(date.getTime(), zone);
  return {
    year,
    month,
    day,
    isoDay: isoDayOf({ year, month, day }),
    seconds: Math.floor((wall - Date.UTC(year, month - 1, day)) / 1000),
  };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isoDayOf(date: LocalDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/**
 * The first instant at which the local clock in `zone` shows `date` at `seconds` past midnight
 * or later. A time that happens twice (clocks going back) gives its first occurrence; a time
 * that never happens (clocks going forward over it) gives the instant the clocks jump, which is
 * when the wall time is first passed. `seconds` may be 86400: the start of the next day.
 */
export function instantAtOrAfter(date: LocalDate, seconds: number, zone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + seconds * 1000;
  // A zone changes offset at most once around one wall time; the offsets a day either side
  // are the only candidates.
  const offsets = [
    ...new Set([-DAY_MS, DAY_MS].map((d) => zoneOffsetMs(new Date(wall + d), zone))),
  ];
  const candidates = offsets.map((offset) => wall - offset).sort((a, b) => a - b);
  const exact = candidates.find((t) => wallMs(t, zone) === wall);
  if (exact !== undefined) return new Date(exact);
  // In a gap: the wall clock rises monotonically between the two candidates; find the jump.
  let lo = candidates[0]!;
  let hi = candidates[candidates.length - 1]!;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallMs(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** Local midnight starting `date` (or the first instant of that day where midnight is skipped). */
export function startOfLocalDay(date: LocalDate, zone: string): Date {
  return instantAtOrAfter(date, 0, zone);
}
