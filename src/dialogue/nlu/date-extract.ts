// A promised or stated date, as 'YYYY-MM-DD' on the callee's calendar. Every phrase that names a
// day becomes a candidate; overlapping ones keep the longest ("day after tomorrow" over
// "tomorrow"), negated ones drop ("bukan besok, lusa"), and the last one said wins, because
// people correct themselves forwards ("besok, eh, lusa").
import {
  addMonths,
  dayOf,
  daysInMonth,
  endOfMonth,
  formatDay,
  nextDayOfMonth,
  nextMonthDay,
  todayIn,
  weekday,
  ymd,
} from './calendar.ts';
import { isWord, lookup, MONTHS, NEXT_WEEK, phraseAt, RELATIVE, WEEKDAYS } from './date-words.ts';
import type { Relative } from './date-words.ts';
import type { NluContext } from './nlu.ts';
import { isNegation, normaliseWords } from './normalise.ts';
import { findNumbers, isNumberWord, parseNumeral } from './number-words.ts';
import type { NumberSpan } from './number-words.ts';

interface Candidate {
  start: number;
  end: number;
  day: number;
}

interface Utterance {
  words: string[];
  clauses: number[];
  today: number;
  numberAt: Map<number, NumberSpan>;
  /** 03/04 is 4 March in Indonesia and most of the world, 3 April for an English US callee. */
  monthFirst: boolean;
}

const PREFIX = new Set(['on', 'the', 'tanggal', 'tgl', 'pada', 'hari']);
const IN = new Set(['in', 'dalam', 'after', 'setelah', 'within']);
const FROM_NOW = [
  'lagi',
  'from now',
  'from today',
  'later',
  'dari sekarang',
  'kemudian',
  'ke depan',
];
const UNIT: Record<string, number> = { day: 1, days: 1, hari: 1, week: 7, weeks: 7, pekan: 7 };
// Between a negation and a date, these make the date the one meant: "not until Friday",
// "not tomorrow but Friday".
const UNNEGATE = new Set(
  'until till by sampai hingga before sebelum but tapi tetapi melainkan namun'.split(' '),
);
const IN_MONTH: [string, number][] = [
  ['bulan depan', 1],
  ['bln depan', 1],
  ['next month', 1],
  ['of next month', 1],
  ['of the next month', 1],
  ['bulan ini', 0],
  ['bln ini', 0],
  ['this month', 0],
  ['of this month', 0],
  ['of the month', 0],
];
const WEEK_AFTER = new Set(['depan', 'ini', 'lalu', 'lagi', 'kemarin', 'besok']);

export function extractDate(text: string, ctx: NluContext): string | null {
  const { words, clauses } = normaliseWords(text, ctx.language);
  const u: Utterance = {
    words,
    clauses,
    today: todayIn(ctx.now, ctx.timeZone),
    numberAt: new Map(findNumbers(words).map((s) => [s.start, s])),
    monthFirst: ctx.language.toLowerCase().startsWith('en') && ctx.timeZone.startsWith('America/'),
  };
  const found: Candidate[] = [];
  for (let i = 0; i < words.length; i++) {
    for (const match of [numeric, monthName, dayOfMonth, relative, inSomeDays, weekdayName]) {
      found.push(...match(u, i));
    }
  }
  if (found.length === 0) return bareDayOfMonth(u);
  const chosen: Candidate[] = [];
  const longestFirst = found.sort(
    (a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  for (const c of longestFirst) {
    if (!chosen.some((o) => c.start < o.end && o.start < c.end)) chosen.push(c);
  }
  const last = chosen
    .filter((c) => !negated(u, c.start))
    .sort((a, b) => a.start - b.start)
    .at(-1);
  return last ? formatDay(last.day) : null;
}

/** "not tomorrow", "bukan besok", "can't pay tomorrow". */
function negated(u: Utterance, start: number): boolean {
  for (let k = start - 1; k >= Math.max(0, start - 3) && u.clauses[k] === u.clauses[start]; k--) {
    const w = u.words[k] ?? '';
    if (UNNEGATE.has(w)) return false;
    if (isNegation(w)) return true;
  }
  return false;
}

function dayNumber(u: Utterance, at: number): NumberSpan | null {
  const s = u.numberAt.get(at);
  const ok = s && !s.scaled && Number.isInteger(s.value) && s.value >= 1 && s.value <= 31;
  return ok ? s : null;
}

function afterPrefix(u: Utterance, at: number): number {
  let j = at;
  while (j < at + 3 && (PREFIX.has(u.words[j] ?? '') || isWord(u.words[j], 'tanggal'))) j++;
  return j;
}

function one(start: number, end: number, day: number | null): Candidate[] {
  return day === null ? [] : [{ start, end, day }];
}

/** 2024-03-15, 15/03/2024, 15-03-24, 15.03.2024, 15/03. */
function numeric(u: Utterance, i: number): Candidate[] {
  const w = u.words[i] ?? '';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(w);
  if (iso) return one(i, i + 1, dayOf(Number(iso[1]), Number(iso[2]), Number(iso[3])));
  const m = /^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{2}|\d{4}))?$/.exec(w);
  // Without a year, "1.5" is a decimal, not a date.
  if (!m || (m[2] === '.' && m[4] === undefined)) return [];
  let [d, mo] = [Number(m[1]), Number(m[3])];
  if (u.monthFirst ? d <= 12 : mo > 12) [d, mo] = [mo, d];
  if (m[4] === undefined) return one(i, i + 1, nextMonthDay(u.today, mo, d));
  const year = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
  return one(i, i + 1, dayOf(year, mo, d));
}

/** "15 March", "tanggal 15 Maret 2024", "March 15th", "the twenty first of March". */
function monthName(u: Utterance, i: number): Candidate[] {
  const j = afterPrefix(u, i);
  const day = dayNumber(u, j);
  if (day) {
    const k = u.words[day.end] === 'of' ? day.end + 1 : day.end;
    const month = lookup(u.words[k], MONTHS);
    if (month !== null) return withYear(u, i, k + 1, month, day.value);
  }
  const month = lookup(u.words[j], MONTHS);
  if (month === null) return [];
  const after = dayNumber(u, u.words[j + 1] === 'the' ? j + 2 : j + 1);
  return after ? withYear(u, i, after.end, month, after.value) : [];
}

function withYear(u: Utterance, start: number, at: number, month: number, dom: number) {
  const y = u.numberAt.get(at);
  if (y && !y.ordinal && Number.isInteger(y.value) && y.value >= 1900 && y.value <= 2200) {
    return one(start, y.end, dayOf(y.value, month, dom));
  }
  return one(start, at, nextMonthDay(u.today, month, dom));
}

/** "tanggal 20", "the 20th", "on the twentieth", "20th": the next such day of a month. */
function dayOfMonth(u: Utterance, i: number): Candidate[] {
  const j = afterPrefix(u, i);
  const day = dayNumber(u, j);
  if (!day) return [];
  const cue = u.words.slice(i, j).some((w) => w === 'the' || isWord(w, 'tanggal') || w === 'tgl');
  if (!cue && !(day.ordinal && !day.spelled)) return [];
  // "tanggal 5 bulan depan", "the 5th of next month": that month, even when it is this one.
  for (const [phrase, months] of IN_MONTH) {
    const end = phraseAt(u.words, day.end, phrase);
    if (end < 0) continue;
    const { year, month } = ymd(addMonths(u.today, months));
    // "tanggal 31 bulan depan" in a 30-day month is its last day.
    return one(i, end, dayOf(year, month, Math.min(day.value, daysInMonth(year, month))));
  }
  return one(i, day.end, nextDayOfMonth(u.today, day.value));
}

/** A lone "15" or "lima belas" answering "which date?" is a day of the month. */
function bareDayOfMonth(u: Utterance): string | null {
  const j = afterPrefix(u, 0);
  const day = dayNumber(u, j);
  if (!day || day.end !== u.words.length) return null;
  const d = nextDayOfMonth(u.today, day.value);
  return d === null ? null : formatDay(d);
}

function relative(u: Utterance, i: number): Candidate[] {
  const out: Candidate[] = [];
  for (const [phrase, rel] of RELATIVE) {
    const end = phraseAt(u.words, i, phrase);
    // "bukan besok, lusa" is not "besok lusa".
    if (end > 0 && u.clauses[end - 1] === u.clauses[i])
      out.push({ start: i, end, day: resolve(u.today, rel) });
  }
  return out;
}

function resolve(today: number, rel: Relative): number {
  if ('days' in rel) return today + rel.days;
  if ('endOfMonth' in rel) return endOfMonth(addMonths(today, rel.endOfMonth));
  if ('startOfMonth' in rel) return endOfMonth(addMonths(today, rel.startOfMonth - 1)) + 1;
  if ('months' in rel) return addMonths(today, rel.months);
  // The coming Saturday (today when it is Saturday, Sunday counts as this weekend).
  const wd = weekday(today);
  if (rel.weekend === 0) return wd === 6 ? today : today + 5 - wd;
  return today - wd + 7 * rel.weekend + 5;
}

/** "in 3 days", "three days from now", "3 hari lagi", "dalam 2 minggu", "sehari lagi". */
function inSomeDays(u: Utterance, i: number): Candidate[] {
  let j = IN.has(u.words[i] ?? '') ? i + 1 : i;
  const lead = j > i;
  let count: number;
  let unit: number | undefined;
  const w = u.words[j];
  if (w === 'sehari' || w === 'seminggu') {
    [count, unit] = [1, w === 'sehari' ? 1 : 7];
    j++;
  } else {
    const n = u.numberAt.get(j);
    if (n && !n.scaled && !n.ordinal && Number.isInteger(n.value) && n.value > 0) {
      [count, j] = [n.value, n.end];
    } else if (w === 'a' || w === 'an') [count, j] = [1, j + 1];
    else return [];
    const unitWord = u.words[j] ?? '';
    unit = UNIT[unitWord] ?? (unitWord === 'minggu' ? 7 : undefined);
    j++;
  }
  if (unit === undefined) return [];
  let end = j;
  for (const phrase of FROM_NOW) end = Math.max(end, phraseAt(u.words, j, phrase));
  if (!lead && end === j) return [];
  return [{ start: i, end, day: u.today + count * unit }];
}

/**
 * "Friday", "next Friday", "this Friday", "hari Jumat", "Jumat depan", "Friday next week".
 *
 * The readings (weeks start on Monday, docs/robots.md "Dates the callee says"):
 * - "Friday", "coming Friday", "hari Jumat": the first Friday after today;
 * - "this Friday", "Jumat ini": this week's Friday, today included (the coming one once this
 *   week's has passed);
 * - "next Friday", "Jumat depan", "Friday next week", "Jumat minggu depan": the Friday of next
 *   week. Said on a Thursday, "next Friday" is eight days away, not tomorrow: tomorrow is
 *   "Friday" or "this Friday".
 */
function weekdayName(u: Utterance, i: number): Candidate[] {
  let mode: 'coming' | 'this' | 'nextWeek' = 'coming';
  let j = i;
  for (let guard = 0; guard < 4; guard++) {
    const w = u.words[j] ?? '';
    // Only as the first words: in "hari minggu depan", "minggu" is Sunday, not "week".
    const nextWeek = j === i ? Math.max(...NEXT_WEEK.map((p) => phraseAt(u.words, j, p))) : -1;
    if (nextWeek > 0) [mode, j] = ['nextWeek', nextWeek];
    else if (w === 'next') [mode, j] = ['nextWeek', j + 1];
    else if (w === 'coming') [mode, j] = ['coming', j + 1];
    else if (w === 'this') [mode, j] = ['this', j + 1];
    else if (w === 'on' || w === 'hari' || w === 'pada' || w === 'the') j++;
    else break;
  }
  const wd = lookup(u.words[j], WEEKDAYS);
  if (wd === null) return [];
  if (u.words[j] === 'minggu' && !isSunday(u, j)) return [];
  let end = j + 1;
  const nextWeek = Math.max(...NEXT_WEEK.map((p) => phraseAt(u.words, end, p)));
  if (nextWeek > 0) [mode, end] = ['nextWeek', nextWeek];
  else if (u.words[end] === 'depan') [mode, end] = [mode === 'this' ? 'this' : 'nextWeek', end + 1];
  else if (u.words[end] === 'ini') [mode, end] = ['this', end + 1];
  else if (u.words[end] === 'this' && u.words[end + 1] === 'week') [mode, end] = ['this', end + 2];
  const today = u.today;
  const todayWd = weekday(today);
  const day =
    mode === 'nextWeek'
      ? today - todayWd + 7 + wd
      : mode === 'this'
        ? today + ((wd - todayWd + 7) % 7)
        : today + ((wd - todayWd + 6) % 7) + 1;
  return [{ start: i, end, day }];
}

/** "minggu" is Sunday in "hari minggu" or alone, but a week in "minggu depan", "2 minggu". */
function isSunday(u: Utterance, at: number): boolean {
  const before = u.words[at - 1] ?? '';
  if (before === 'hari') return true;
  if (WEEK_AFTER.has(u.words[at + 1] ?? '')) return false;
  return !(parseNumeral(before) !== null || isNumberWord(before) || before === 'akhir');
}
