// An amount of money, as '150000.00'. The currency is the robot's business, not the callee's
// words: "Rp 150.000", "$200", "150 ribu", "1,5 juta", "two hundred thousand" are all numbers.
import { normaliseWords } from './normalise.ts';
import { findNumbers } from './number-words.ts';

const CURRENCY = new Set([
  'rp',
  'rupiah',
  'idr',
  'usd',
  'dollar',
  'dollars',
  'bucks',
  'eur',
  'euro',
  'euros',
  'sgd',
]);

// "tanggal 20" is a date said next to the amount.
const DAY_CUE = new Set(['tanggal', 'tgl']);

export function extractAmount(text: string, language: string): string | null {
  const { words } = normaliseWords(text, language);
  const spans = findNumbers(words).filter(
    (s) => !s.ordinal && s.value > 0 && !DAY_CUE.has(words[s.start - 1] ?? ''),
  );
  // A number with a scale or a currency is the amount ("500 ribu on the 15th"); otherwise
  // the largest, since the other numbers said with an amount are days and counts.
  const marked = spans.find(
    (s) => s.scaled || CURRENCY.has(words[s.start - 1] ?? '') || CURRENCY.has(words[s.end] ?? ''),
  );
  const pick =
    marked ??
    spans.reduce<(typeof spans)[number] | undefined>(
      (best, s) => (best === undefined || s.value > best.value ? s : best),
      undefined,
    );
  return pick ? (Math.round(pick.value * 100) / 100).toFixed(2) : null;
}
