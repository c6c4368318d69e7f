// Time formats of the AIRudder API. Storage is UTC; rendering happens in the app's zone.
// Offsets, calendar fields and DST come from Luxon (docs/dependencies.md): this file only reads
// and writes the API's text format around it.
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';

/**
 * The zone named `name`, or a RangeError as Intl throws for an unknown one. Luxon keeps one
 * object per name, and each object keeps its Intl formatter: the dial claim and a 100,000-number
 * forecast ask for the same few zones again and again.
 */
export function ianaZone(name: string): IANAZone {
  // Checked first: Luxon caches every name it is given, and names come from API input.
  if (!isTimeZone(name)) throw new RangeError(`Invalid time zone specified: ${name}`);
  return IANAZone.create(name);
}

/** An instant as Luxon sees it in a zone (its calendar fields, offset, weekday). */
export function inZone(date: Date | number, zone: string): DateTime {
  return DateTime.fromMillis(typeof date === 'number' ? date : date.getTime(), {
    zone: ianaZone(zone),
  });
}

/** The calendar date of an instant in a zone (at 03:00 in Jakarta it is already tomorrow in UTC terms). */
export function calendarDay(
  date: Date,
  zone: string,
): { year: number; month: number; day: number } {
  const { year, month, day } = inZone(date, zone);
  return { year, month, day };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS` in the given IANA zone. */
export function formatDateTime(date: Date, zone: string): string {
  // Built from the fields rather than toFormat(), which parses its pattern on every call.
  const t = inZone(date, zone);
  return `${String(t.year).padStart(4, '0')}-${pad2(t.month)}-${pad2(t.day)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:([+-])(\d{2}):?(\d{2}))?$/;

/** The widest UTC offsets in use (Kiribati +14:00, Baker Island -12:00), symmetric for clarity. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** A wall-clock reading: calendar fields without a zone. */
export interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

interface WallTime {
  fields: WallFields;
  /** The explicit `+hh:mm` suffix in minutes, when given. */
  offsetMinutes?: number;
}

/** Reads `YYYY-MM-DD HH:MM:SS[±hh:mm]`, or says what is wrong with it. */
function readDateTime(text: string): WallTime | string {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return 'is not YYYY-MM-DD HH:MM:SS (optionally with an offset such as +07:00)';
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Years the store can hold once the server adds its own spans (a default 24 h window, days
  // between plan rounds): 9999-12-31 plus a day is past PostgreSQL's timestamptz input and was
  // a 500 (found by test/faults/bad-input.test.ts).
  if (year < 1970 || year > 9998) return 'has a year outside 1970-9998';
  const fields = { year, month, day, hour, minute, second };
  // Luxon knows month lengths and leap years; it also takes 24:00:00 as the end of a day, which
  // the API never did.
  if (hour > 23 || !DateTime.utc(year, month, day, hour, minute, second).isValid) {
    return 'is not a real date and time';
  }
  if (!m[7]) return { fields };
  // `+99:00` once moved a task by 99 hours: an offset no place uses is a typo, not a time.
  const minutes = Number(m[8]) * 60 + Number(m[9]);
  if (Number(m[9]) > 59 || minutes > MAX_OFFSET_MINUTES)
    return `has the offset ${m[7]}${m[8]}:${m[9]}, outside -14:00 to +14:00`;
  return { fields, offsetMinutes: m[7] === '-' ? -minutes : minutes };
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
 * The instant a wall-clock reading names in `zone`, the way RFC 5545 and Temporal's
 * "compatible" rule read it: a reading the clocks show twice (they went back) is its first
 * occurrence; one they never show (they jumped over it) is read with the offset from before
 * the jump, so 02:30 in a 02:00 -> 03:00 gap is 03:30 after it.
 */
export function wallToInstant(fields: WallFields, zone: string): DateTime {
  const resolved = DateTime.fromObject(fields, { zone: ianaZone(zone) });
  // Luxon's own pick between two readings depends on today's offset; take the earlier one.
  const [first, second] = resolved.getPossibleOffsets();
  return second && second.toMillis() < first!.toMillis() ? second : first!;
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` as wall time in `zone`, or with an explicit `+08:00` suffix
 * (a real client sends that). Returns undefined for anything else, including impossible dates
 * and offsets beyond ±14:00 (dateTimeProblem says why).
 */
export function parseDateTime(text: string, zone: string): Date | undefined {
  const read = readDateTime(text);
  if (typeof read === 'string') return undefined;
  if (read.offsetMinutes === undefined) return wallToInstant(read.fields, zone).toJSDate();
  return DateTime.fromObject(read.fields, {
    zone: FixedOffsetZone.instance(read.offsetMinutes),
  }).toJSDate();
}

/** The zone's offset from UTC at an instant, in ms (Jakarta: +7 h). */
export function zoneOffsetMs(date: Date, zone: string): number {
  return ianaZone(zone).offset(date.getTime()) * 60_000;
}

/** Offset inside a call, `HH:MM:SS`, from a number of seconds. */
export function formatOffset(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

/** Zone names found valid: a contact's `timezone` field is checked once per name, not per call. */
const validZones = new Set<string>();

export function isTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  validZones.add(zone);
  return true;
}
