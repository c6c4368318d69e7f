// Calendar days as integers (days since 1970-01-01), so "tomorrow" is +1 and "next week" +7
// with no time of day or zone left to get wrong. The only zone-aware step is finding today.
import { calendarDay } from '../../shared/time.ts';

/** The calendar day of `now` in `zone`, as days since 1970-01-01. */
export function todayIn(now: Date, zone: string): number {
  const { year, month, day } = calendarDay(now, zone);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/** The day for a year, month (1..12) and day, or null when there is no such date (30 Feb). */
export function dayOf(year: number, month: number, day: number): number | null {
  if (!Number.isInteger(day) || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

export function ymd(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Monday .. 6 = Sunday: weeks start on Monday in Indonesia and in ISO 8601. */
export function weekday(day: number): number {
  return (new Date(day * 86_400_000).getUTCDay() + 6) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first day on or after `from` that falls on `dayOfMonth` (skipping months too short). */
export function nextDayOfMonth(from: number, dayOfMonth: number): number | null {
  let { year, month } = ymd(from);
  for (let k = 0; k < 13; k++) {
    const d = dayOf(year, month, dayOfMonth);
    if (d !== null && d >= from) return d;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return null;
}

/** The first day on or after `from` that is `month`/`dayOfMonth`, this year or a later one. */
export function nextMonthDay(from: number, month: number, dayOfMonth: number): number | null {
  const { year } = ymd(from);
  // Up to 8 years ahead covers 29 February.
  for (let y = year; y <= year + 8; y++) {
    const d = dayOf(y, month, dayOfMonth);
    if (d !== null && d >= from) return d;
  }
  return null;
}

/** The same day of the month `months` later, clamped to that month's last day. */
export function addMonths(day: number, months: number): number {
  const { year, month, day: dom } = ymd(day);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return Date.UTC(y, m - 1, Math.min(dom, daysInMonth(y, m))) / 86_400_000;
}

export function endOfMonth(day: number): number {
  const { year, month } = ymd(day);
  return Date.UTC(year, month - 1, daysInMonth(year, month)) / 86_400_000;
}

export function formatDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
