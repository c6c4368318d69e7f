// Is a calling window open now in the callee's zone, and if not, when does it open next?
// All wall-clock arithmetic goes through shared/zoned-time.ts, so DST gaps, repeated hours and
// half-hour zones need no special cases here.
import { formatDateTime } from '../../shared/time.ts';
import {
  addDays,
  instantAtOrAfter,
  isoDayOf,
  localMoment,
  sameDate,
} from '../../shared/zoned-time.ts';
import type { CallingWindow } from './rule-packs.ts';
import { minutesOf } from './window-rules.ts';

export interface WindowDecision {
  allowed: boolean;
  /** `YYYY-MM-DD HH:MM:SS` in `zone` at the instant evaluated. */
  localTime: string;
  zone: string;
  /** The name of the rules evaluated (`US`, `DEFAULT`, `task override`, …). */
  rule: string;
  /** The window that is open, when allowed. */
  window?: CallingWindow;
  /** When not allowed: the next instant a window opens (undefined: none within 8 days). */
  nextOpen?: Date;
}

export interface ZoneCheck {
  zone: string;
  localTime: string;
  allowed: boolean;
}

export interface MultiZoneDecision extends WindowDecision {
  /** The same rules in the callee's other possible zones; all must be open. */
  otherZones: ZoneCheck[];
}

// Eight days: every weekday comes round once even when today's windows are all past.
const LOOKAHEAD_DAYS = 8;

export function evaluateWindow(
  rules: { name: string; windows: readonly CallingWindow[] },
  zone: string,
  now: Date,
): WindowDecision {
  const local = localMoment(now, zone);
  const base = { localTime: formatDateTime(now, zone), zone, rule: rules.name };
  const minute = local.seconds / 60;
  const open = rules.windows.find(
    (w) =>
      w.days.includes(local.isoDay) && minutesOf(w.start) <= minute && minute < minutesOf(w.end),
  );
  if (open) return { allowed: true, ...base, window: open };
  const nextOpen = nextOpening(rules.windows, zone, now);
  return { allowed: false, ...base, ...(nextOpen ? { nextOpen } : {}) };
}

function nextOpening(windows: readonly CallingWindow[], zone: string, now: Date) {
  const today = localMoment(now, zone);
  for (let k = 0; k < LOOKAHEAD_DAYS; k += 1) {
    const date = addDays(today, k);
    const day = isoDayOf(date);
    let best: Date | undefined;
    for (const w of windows) {
      if (!w.days.includes(day)) continue;
      const at = instantAtOrAfter(date, minutesOf(w.start) * 60, zone);
      if (at.getTime() <= now.getTime()) continue;
      // A window lying wholly inside a skipped DST hour never opens that day.
      const there = localMoment(at, zone);
      if (!sameDate(there, date) || there.seconds >= minutesOf(w.end) * 60) continue;
      if (!best || at < best) best = at;
    }
    if (best) return best;
  }
  return undefined;
}

/**
 * The window checked in the callee's zone and in every other zone the number may be in (an
 * area code spanning two zones): allowed only when open in all, and nextOpen is the first
 * instant at which all are open together.
 */
export function evaluateWindowAcross(
  rules: { name: string; windows: readonly CallingWindow[] },
  zone: string,
  otherZones: readonly string[],
  now: Date,
): MultiZoneDecision {
  const check = (at: Date) => [zone, ...otherZones].map((z) => evaluateWindow(rules, z, at));
  const first = check(now);
  const primary = first[0]!;
  const otherZoneChecks = first.slice(1).map((d) => ({
    zone: d.zone,
    localTime: d.localTime,
    allowed: d.allowed,
  }));
  if (first.every((d) => d.allowed)) {
    return { ...primary, otherZones: otherZoneChecks };
  }
  // Jump to the latest of the next openings until all zones agree; windows that overlap at all
  // agree within a few jumps.
  let decisions = first;
  let nextOpen: Date | undefined;
  for (let i = 0; i < 10; i += 1) {
    const closed = decisions.filter((d) => !d.allowed);
    if (closed.length === 0) break;
    if (closed.some((d) => !d.nextOpen)) {
      nextOpen = undefined;
      break;
    }
    nextOpen = new Date(Math.max(...closed.map((d) => d.nextOpen!.getTime())));
    decisions = check(nextOpen);
    if (i === 9 && decisions.some((d) => !d.allowed)) nextOpen = undefined;
  }
  return {
    allowed: false,
    localTime: primary.localTime,
    zone,
    rule: primary.rule,
    ...(nextOpen ? { nextOpen } : {}),
    otherZones: otherZoneChecks,
  };
}
