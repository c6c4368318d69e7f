import { todayIn } from './nlu/calendar.ts';

// How a robot says amounts, dates and times: as people say them in the robot's language, not as
// the callee record stores them ("1500000.00" + "IDR", "2026-11-30"). All formatting is Intl's;
// this file only picks the options. The robot's `language` is the locale (`en`, `id`, `en-GB`).

/** The kinds of value a template variable can hold; `text` is said as it is. */
export type VariableType = 'text' | 'amount' | 'date' | 'time' | 'digits';

export interface SpeakOptions {
  language: string;
  /** "Today" for dates: within the coming two weeks a date also gets its weekday, in another year its year. */
  now?: Date;
  timeZone?: string;
}

// Intl separates a currency sign or unit with no-break spaces; the transcript wants plain ones.
const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

function isEnglish(language: string): boolean {
  return language.toLowerCase().split('-')[0] === 'en';
}

/**
 * "1500000.00" IDR: `Rp 1.500.000` in Indonesian, `1.5 million Indonesian rupiahs` in English
 * (the words, which a voice reads well: round millions compact, other amounts in full). Cents
 * are said only when there are some. Text that is not a number is said as it is.
 */
export function spokenAmount(
  value: string,
  currency: string | undefined,
  language: string,
): string {
  const text = value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) return value;
  const amount = Number(text);
  const code = currency?.trim().toUpperCase();
  const money: Intl.NumberFormatOptions =
    code && /^[A-Z]{3}$/.test(code)
      ? {
          style: 'currency',
          currency: code,
          currencyDisplay: isEnglish(language) ? 'name' : 'symbol',
        }
      : {};
  const wholeNumber = Number.isInteger(amount);
  const options: Intl.NumberFormatOptions = {
    ...money,
    ...(wholeNumber ? { maximumFractionDigits: 0, minimumFractionDigits: 0 } : {}),
  };
  // "1.5 million" only when it says the exact amount: 1,523,456 is said in full.
  const roundMillions = Math.abs(amount) >= 1e6 && Number(amount.toPrecision(3)) === amount;
  if (roundMillions && isEnglish(language)) {
    Object.assign(options, { notation: 'compact', compactDisplay: 'long' });
    delete options.minimumFractionDigits;
    delete options.maximumFractionDigits;
  }
  return plainSpaces(new Intl.NumberFormat(language, options).format(amount));
}

/**
 * "1500000.00" IDR written for a chat: `IDR 1,500,000` in English, `Rp 1.500.000` in Indonesian
 * (figures read better than words on a screen). Cents are shown only when there are some; no
 * currency: the number alone, grouped. Text that is not a number is shown as it is.
 */
export function writtenAmount(
  value: string,
  currency: string | undefined,
  language: string,
): string {
  const text = value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) return value;
  const amount = Number(text);
  const code = currency?.trim().toUpperCase();
  const options: Intl.NumberFormatOptions = {
    ...(code && /^[A-Z]{3}$/.test(code)
      ? { style: 'currency', currency: code, currencyDisplay: 'symbol' }
      : {}),
    ...(Number.isInteger(amount) ? { maximumFractionDigits: 0, minimumFractionDigits: 0 } : {}),
  };
  return plainSpaces(new Intl.NumberFormat(language, options).format(amount));
}

/**
 * "2026-11-30": `November 30th` in English (with the ordinal), `30 November` in Indonesian; the
 * weekday is added within the coming two weeks ("Friday, November 27th"), the year when it is not
 * this year. Text that is not a date is said as it is.
 */
export function spokenDate(value: string, options: SpeakOptions): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return value;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(m[3])) return value;
  const day = date.getTime() / 86_400_000;
  const today = options.now ? todayIn(options.now, options.timeZone ?? 'UTC') : undefined;
  const thisYear = options.now ? new Date(today! * 86_400_000).getUTCFullYear() : undefined;
  const format = new Intl.DateTimeFormat(options.language, {
    timeZone: 'UTC',
    month: 'long',
    day: 'numeric',
    ...(today !== undefined && day > today && day - today < 14 ? { weekday: 'long' } : {}),
    ...(thisYear !== undefined && date.getUTCFullYear() !== thisYear ? { year: 'numeric' } : {}),
  });
  const english = isEnglish(options.language);
  const ordinal = new Intl.PluralRules(options.language, { type: 'ordinal' });
  const suffix: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
  return plainSpaces(
    format
      .formatToParts(date)
      .map((p) =>
        p.type === 'day' && english
          ? `${p.value}${suffix[ordinal.select(Number(p.value))] ?? 'th'}`
          : p.value,
      )
      .join(''),
  );
}

/** "14:30": `2:30 PM` in English, `14.30` in Indonesian. Text that is not a time is said as it is. */
export function spokenTime(value: string, language: string): string {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(value.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return value;
  const at = new Date(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2])));
  return plainSpaces(
    new Intl.DateTimeFormat(language, {
      timeZone: 'UTC',
      hour: 'numeric',
      minute: '2-digit',
    }).format(at),
  );
}

/** "1234" said digit by digit: `1 2 3 4` (a voice would say "one thousand two hundred..."). */
export function spokenDigits(value: string): string {
  return /^\d+$/.test(value.trim()) ? value.trim().split('').join(' ') : value;
}
