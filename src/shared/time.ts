// Time formats of the AIRudder API. Storage is UTC; rendering happens in the app's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

function parts(date: Date, zone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** The calendar date of an instant in a zone (at 03:00 in Jakarta it is already tomorrow in UTC terms). */
export function calendarDay(
  date: Date,
  zone: string,
): { year: number; month: number; day: number } {
  const p = parts(date, zone);
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

/** `YYYY-MM-DD HH:MM:SS` in the given IANA zone. */
export function formatDateTime(date: Date, zone: string): string {
  const p = parts(date, zone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:([+-])(\d{2}):?(\d{2}))?$/;

/** The widest UTC offsets in use (Kiribati +14:00, Baker Island -12:00), symmetric for clarity. */
const MAX_OFFSET_MINUTES = 14 * 60;

interface WallTime {
  /** The wall time read as if it were UTC, in ms. */
  asUtc: number;
  /** The explicit `+hh:mm` suffix in minutes, when given. */
  offsetMinutes?: number;
}

/** Reads `YYYY-MM-DD HH:MM:SS[±hh:mm]`, or says what is wrong with it. */
function readDateTime(text: string): WallTime | string {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return 'is not YYYY-MM-DD HH:MM:SS (optionally with an offset such as +07:00)';
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Years the store can hold once the server adds its own spans (a default 24 h window, days
  // between plan rounds): 9999-12-31 plus a day is past PostgreSQL's timestamptz input and was
  // a 500 (found by test/faults/bad-input.test.ts). Date.UTC also reads years 0-99 as 1900+.
  if (y < 1970 || y > 9998) return 'has a year outside 1970-9998';
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return 'is not a real date and time';
  }
  if (!m[7]) return { asUtc };
  // `+99:00` once moved a task by 99 hours: an offset no place uses is a typo, not a time.
  const minutes = Number(m[8]) * 60 + Number(m[9]);
  if (Number(m[9]) > 59 || minutes > MAX_OFFSET_MINUTES)
    return `has the offset ${m[7]}${m[8]}:${m[9]}, outside -14:00 to +14:00`;
  return { asUtc, offsetMinutes: m[7] === '-' ? -minutes : minutes };
}

/**
 * What is wrong with a date-time text, as a phrase that follows its name ("start_time \"x\"
 * is not …"), or undefined when parseDateTime accepts it.
 */
export function dateTimeProblem(text: string): string | undefined {
  const read = readDateTime(text);
  return typeof read === 'string' ? read : undefined;
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` as wall time in `zone`, or with an explicit `+08:00` suffix
 * (a real client sends that). Returns undefined for anything else, including impossible dates
 * and offsets beyond ±14:00 (dateTimeProblem says why).
 */
export function parseDateTime(text: string, zone: string): Date | undefined {
  const read = readDateTime(text);
  if (typeof read === 'string') return undefined;
  const { asUtc, offsetMinutes } = read;
  if (offsetMinutes !== undefined) return new Date(asUtc - offsetMinutes * 60_000);
  // Wall time in a zone: guess with the zone's offset at that instant, then correct once for DST.
  let guess = asUtc - zoneOffsetMs(new Date(asUtc), zone);
  guess = asUtc - zoneOffsetMs(new Date(guess), zone);
  return new Date(guess);
}

/** The zone's offset from UTC at an instant, in ms (Jakarta: +7 h). */
export function zoneOffsetMs(date: Date, zone: string): number {
  const p = parts(date, zone);
  const wall = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

/** Offset inside a call, `HH:MM:SS`, from a number of seconds. */
export function formatOffset(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}
