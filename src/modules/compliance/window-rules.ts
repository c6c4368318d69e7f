// Which calling windows apply to one callee: the task's override, else the app's, else the
// country's pack, else the default pack. Overrides are stored as jsonb (apps.calling_windows,
// tasks.calling_windows) in one of two forms:
//   [{ "days": [1,2,3,4,5], "start": "09:00", "end": "18:00" }]             every country
//   { "ID": [ …windows ], "US": [ …windows ], "*": [ …windows ] }          per country, "*" = rest
// A per-country override without the callee's country (and without "*") does not apply, so the
// next less specific rule does.
import { DEFAULT_PACK, packFor, type CallingWindow } from './rule-packs.ts';

export type WindowOverride = CallingWindow[] | Record<string, CallingWindow[]>;
export type RuleOrigin = 'task' | 'app' | 'country' | 'default';

export interface ResolvedRules {
  /** `task override`, `app override`, the pack's country code, or `DEFAULT`. */
  name: string;
  origin: RuleOrigin;
  windows: CallingWindow[];
  source: string;
  /** The windows allow local times the country's pack (or the default pack) does not. */
  widensPack: boolean;
  /** Overrides that could not be read and were skipped, with the reason. */
  ignored?: string[];
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function parseWindowList(value: unknown, where: string): Parsed<CallingWindow[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > 28) {
    return { ok: false, error: `${where} must be a list of 1 to 28 windows` };
  }
  const windows: CallingWindow[] = [];
  for (const [i, w] of value.entries()) {
    const at = `${where}[${i}]`;
    if (typeof w !== 'object' || w === null) return { ok: false, error: `${at} must be an object` };
    const { days, start, end } = w as Record<string, unknown>;
    const dayList = Array.isArray(days) ? days : [];
    if (
      dayList.length === 0 ||
      !dayList.every((d) => Number.isInteger(d) && d >= 1 && d <= 7) ||
      new Set(dayList).size !== dayList.length
    ) {
      return { ok: false, error: `${at}.days must list distinct ISO weekdays 1 (Mon) to 7 (Sun)` };
    }
    if (typeof start !== 'string' || !HH_MM.test(start)) {
      return { ok: false, error: `${at}.start must be HH:MM` };
    }
    if (typeof end !== 'string' || (!HH_MM.test(end) && end !== '24:00')) {
      return { ok: false, error: `${at}.end must be HH:MM or 24:00` };
    }
    if (minutesOf(end) <= minutesOf(start)) {
      return { ok: false, error: `${at}: end must be after start (no window crosses midnight)` };
    }
    windows.push({ days: [...(dayList as number[])].sort((a, b) => a - b), start, end });
  }
  return { ok: true, value: windows };
}

/** Validates a stored or submitted override; null means "none". For the API and for reads. */
export function parseOverride(value: unknown): Parsed<WindowOverride | null> {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (Array.isArray(value)) return parseWindowList(value, 'windows');
  if (typeof value !== 'object') return { ok: false, error: 'windows must be a list or a map' };
  const out: Record<string, CallingWindow[]> = {};
  for (const [key, list] of Object.entries(value)) {
    if (key !== '*' && !/^[A-Z]{2}$/.test(key)) {
      return { ok: false, error: `"${key}" is not an ISO country code or "*"` };
    }
    const parsed = parseWindowList(list, key);
    if (!parsed.ok) return parsed;
    out[key] = parsed.value;
  }
  return { ok: true, value: out };
}

function windowsFor(override: WindowOverride, country: string | undefined) {
  if (Array.isArray(override)) return override;
  return (country && override[country]) || override['*'];
}

/** Whether every minute the windows allow on each weekday is allowed by `base` too. */
function within(windows: CallingWindow[], base: CallingWindow[]): boolean {
  for (let day = 1; day <= 7; day += 1) {
    const spans = base
      .filter((w) => w.days.includes(day))
      .map((w) => [minutesOf(w.start), minutesOf(w.end)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const w of windows.filter((x) => x.days.includes(day))) {
      let reached = minutesOf(w.start);
      for (const [s, e] of spans) if (s <= reached && e > reached) reached = e;
      if (reached < minutesOf(w.end)) return false;
    }
  }
  return true;
}

/** The most specific rules for a callee: task > app > country pack > default pack. */
export function resolveRules(input: {
  country?: string | undefined;
  appOverride?: unknown;
  taskOverride?: unknown;
}): ResolvedRules {
  const pack = packFor(input.country) ?? DEFAULT_PACK;
  const ignored: string[] = [];
  const levels = [
    ['task', input.taskOverride],
    ['app', input.appOverride],
  ] as const;
  for (const [origin, raw] of levels) {
    const parsed = parseOverride(raw);
    if (!parsed.ok) {
      ignored.push(`${origin} override: ${parsed.error}`);
      continue;
    }
    const windows = parsed.value && windowsFor(parsed.value, input.country);
    if (!windows) continue;
    return {
      name: `${origin} override`,
      origin,
      windows,
      source: `Set on the ${origin}, replacing the ${pack.country} pack (${pack.source})`,
      widensPack: !within(windows, pack.windows),
      ...(ignored.length ? { ignored } : {}),
    };
  }
  return {
    name: pack.country,
    origin: pack === DEFAULT_PACK ? 'default' : 'country',
    windows: pack.windows,
    source: pack.source,
    widensPack: false,
    ...(ignored.length ? { ignored } : {}),
  };
}
