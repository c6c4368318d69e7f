// The format of a calling-window override (apps.calling_windows, tasks.calling_windows, the
// TILLER_DEFAULT_CALLING_WINDOWS default) and its check. In shared/ because config.ts checks the
// default at start and may depend on shared/ only; the rules that apply an override are in
// modules/compliance/window-rules.ts.

/** One span of local time on the listed ISO weekdays (1 = Monday … 7 = Sunday); end excluded. */
export interface CallingWindow {
  days: number[];
  /** `HH:MM`, local time. */
  start: string;
  /** `HH:MM`, local time, after start; `24:00` is the end of the day. Not itself allowed. */
  end: string;
}

export type WindowOverride = CallingWindow[] | Record<string, CallingWindow[]>;

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
