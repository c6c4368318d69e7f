// Date vocabulary, English and Indonesian together: callees in Indonesia switch between them
// ("besok", "next week"), and no word here means something else in the other language.
import { sameWord } from './normalise.ts';
import { isNumberWord } from './number-words.ts';

/** 0 = Monday .. 6 = Sunday. "minggu" (Sunday, but also "week") is decided in context. */
export const WEEKDAYS: Record<string, number> = {
  monday: 0,
  tuesday: 1,
  wednesday: 2,
  thursday: 3,
  friday: 4,
  saturday: 5,
  sunday: 6,
  senin: 0,
  senen: 0,
  selasa: 1,
  rabu: 2,
  kamis: 3,
  jumat: 4,
  sabtu: 5,
  minggu: 6,
  ahad: 6,
};

export const MONTHS: Record<string, number> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  januari: 1,
  februari: 2,
  pebruari: 2,
  maret: 3,
  mei: 5,
  juni: 6,
  juli: 7,
  agustus: 8,
  oktober: 10,
  desember: 12,
  agu: 8,
  agt: 8,
  ags: 8,
  okt: 10,
  des: 12,
};

/** Phrases naming a day relative to today, in words the normaliser produces. */
export type Relative =
  | { days: number }
  | { endOfMonth: number }
  | { startOfMonth: number }
  | { months: number }
  | { weekend: number };

export const RELATIVE: [string, Relative][] = [
  ['today', { days: 0 }],
  ['hari ini', { days: 0 }],
  ['sekarang', { days: 0 }],
  ['right now', { days: 0 }],
  ['tonight', { days: 0 }],
  ['this afternoon', { days: 0 }],
  ['this evening', { days: 0 }],
  ['nanti malam', { days: 0 }],
  ['nanti sore', { days: 0 }],
  ['nanti siang', { days: 0 }],
  ['tomorrow', { days: 1 }],
  ['besok', { days: 1 }],
  ['bsk', { days: 1 }],
  ['esok', { days: 1 }],
  ['day after tomorrow', { days: 2 }],
  ['lusa', { days: 2 }],
  // "besok lusa" is "in a day or two": the later day is the promise.
  ['besok lusa', { days: 2 }],
  ['next week', { days: 7 }],
  ['minggu depan', { days: 7 }],
  ['pekan depan', { days: 7 }],
  ['a week from now', { days: 7 }],
  ['a week from today', { days: 7 }],
  ['in a week', { days: 7 }],
  ['seminggu lagi', { days: 7 }],
  ['dalam seminggu', { days: 7 }],
  ['end of the month', { endOfMonth: 0 }],
  ['end of month', { endOfMonth: 0 }],
  ['end of this month', { endOfMonth: 0 }],
  ['akhir bulan', { endOfMonth: 0 }],
  ['end of next month', { endOfMonth: 1 }],
  ['end of the next month', { endOfMonth: 1 }],
  ['akhir bulan depan', { endOfMonth: 1 }],
  ['beginning of next month', { startOfMonth: 1 }],
  ['start of next month', { startOfMonth: 1 }],
  ['early next month', { startOfMonth: 1 }],
  ['awal bulan', { startOfMonth: 1 }],
  ['awal bulan depan', { startOfMonth: 1 }],
  ['next month', { months: 1 }],
  ['bulan depan', { months: 1 }],
  ['weekend', { weekend: 0 }],
  ['akhir pekan', { weekend: 0 }],
  ['akhir minggu', { weekend: 0 }],
  ['next weekend', { weekend: 1 }],
  ['akhir pekan depan', { weekend: 1 }],
  ['akhir minggu depan', { weekend: 1 }],
];

/** "next week" as a modifier of a weekday: "Friday next week", "jumat minggu depan". */
export const NEXT_WEEK = ['next week', 'minggu depan', 'pekan depan'];

/** Words a typo away from a date word that mean something else ("kami" is "we"). */
const LOOKALIKES = new Set([
  'kami',
  'kamu',
  'seni',
  'lupa',
  'lama',
  'selama',
  'ragu',
  'tinggal',
  'match',
  'money',
  'besar',
]);

const KNOWN = new Set([
  ...Object.keys(WEEKDAYS),
  ...Object.keys(MONTHS),
  ...RELATIVE.flatMap(([p]) => p.split(' ')),
]);

/**
 * Whether a heard word is the date word `keyword`, allowing a typo ("tomorow", "besk") only for
 * keywords of 5+ letters and never for a word that is itself another known word.
 */
export function isWord(word: string | undefined, keyword: string): boolean {
  if (word === undefined) return false;
  if (word === keyword) return true;
  if (keyword.length < 5 || KNOWN.has(word) || LOOKALIKES.has(word)) return false;
  // "satu" (one) is a typo away from "sabtu" (Saturday).
  if (isNumberWord(word)) return false;
  return sameWord(word, keyword);
}

/** The table value of a heard word, exactly or with a typo. */
export function lookup(word: string | undefined, table: Record<string, number>): number | null {
  if (word === undefined) return null;
  const exact = table[word];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(table)) if (isWord(word, key)) return value;
  return null;
}

/** Whether `phrase` (space-separated) is at words[at..]; returns its end or -1. */
export function phraseAt(words: string[], at: number, phrase: string): number {
  const parts = phrase.split(' ');
  for (let k = 0; k < parts.length; k++) if (!isWord(words[at + k], parts[k] ?? '')) return -1;
  return at + parts.length;
}
