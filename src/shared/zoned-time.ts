// Wall-clock arithmetic in an IANA zone, for rules written in local time ("08:00 on weekdays",
// "the callee's day"). Luxon supplies every offset and calendar field (docs/dependencies.md);
// what is decided here is which instant a wall time means when DST makes it happen twice or
// not at all, because a calling window must open at the first instant it is allowed.
import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import { ianaZone, inZone, wallToInstant, type WallFields } from './time.ts';

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

export function localMoment(date: Date, zone: string): LocalMoment {
  const t = inZone(date, zone);
  return {
    year: t.year,
    month: t.month,
    day: t.day,
    isoDay: t.weekday,
    seconds: t.hour * 3600 + t.minute * 60 + t.second,
  };
}

/** A calendar date as a Luxon date at UTC midnight: plain calendar maths, no zone involved. */
function utcDate(date: LocalDate): DateTime {
  return DateTime.utc(date.year, date.month, date.day);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = utcDate(date).plus({ days });
  return { year, month, day };
}

export function isoDayOf(date: LocalDate): number {
  return utcDate(date).weekday;
}

export function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** The wall time an instant shows in a zone, read as if it were UTC, in whole seconds. */
function wallMs(instant: number, zone: string): number {
  return Math.floor(instant / 1000) * 1000 + ianaZone(zone).offset(instant) * 60_000;
}

/**
 * The first instant at which the local clock in `zone` shows `date` at `seconds` past midnight
 * or later. A time that happens twice (clocks going back) gives its first occurrence; a time
 * that never happens (clocks going forward over it) gives the instant the clocks jump, which is
 * when the wall time is first passed. `seconds` may be 86400: the start of the next day.
 */
export function instantAtOrAfter(date: LocalDate, seconds: number, zone: string): Date {
  const key = `${zone} ${date.year}-${date.month}-${date.day} ${seconds}`;
  let at = resolvedWalls.get(key);
  if (at === undefined) {
    at = resolveWall(date, seconds, zone);
    resolvedWalls.set(key, at);
  }
  return new Date(at);
}

/**
 * Wall times already resolved, by zone, date and second of the day. The dial claim asks for the
 * start of today and tomorrow in the callee's zone for every number, and a forecast asks for the
 * same window openings for every contact: the answers never change (the zone rules are fixed
 * for the life of the process), and resolving one costs several Intl calls.
 */
const resolvedWalls = new LRUCache<string, number>({ max: 10_000 });

function resolveWall(date: LocalDate, seconds: number, zone: string): number {
  const target = utcDate(date).plus({ seconds });
  const fields: WallFields = {
    year: target.year,
    month: target.month,
    day: target.day,
    hour: target.hour,
    minute: target.minute,
    second: target.second,
  };
  const wall = target.toMillis();
  const resolved = wallToInstant(fields, zone);
  const at = resolved.toMillis();
  if (at + resolved.offset * 60_000 === wall) return at;
  // In a gap Luxon reads the time with the offset from before the jump, which lands past the
  // jump by as much as the time lay inside the gap (02:30 -> 03:30). The jump itself lies
  // between that instant and the same wall time read with the new offset, where the clock
  // still shows less than `wall`: halve that span down to the second.
  let lo = wall - resolved.offset * 60_000;
  let hi = at;
  if (wallMs(lo, zone) >= wall) lo = at - 86_400_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallMs(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Local midnight starting `date` (or the first instant of that day where midnight is skipped). */
export function startOfLocalDay(date: LocalDate, zone: string): Date {
  return instantAtOrAfter(date, 0, zone);
}
