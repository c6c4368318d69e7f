// Digits spoken or typed: "0812-3456", "zero eight one two", "nol delapan satu dua",
// "double five", "dua belas tiga empat" (people group digits in pairs when they read numbers).
import { normaliseWords } from './normalise.ts';
import { findNumbers, isNumberWord } from './number-words.ts';

const REPEAT: Record<string, number> = { double: 2, triple: 3 };

export function extractDigits(text: string, language: string): string | null {
  const { words } = normaliseWords(text, language);
  // "oh" is a zero only among other digits: "oh eight one", not "oh, my number is".
  const spoken = words.map((w, i) =>
    (w === 'oh' || w === 'o') &&
    (isNumberWord(words[i - 1] ?? '') || isNumberWord(words[i + 1] ?? ''))
      ? 'zero'
      : w,
  );
  let out = '';
  let run: string[] = [];
  const flush = () => {
    for (const span of findNumbers(run)) {
      if (!Number.isInteger(span.value)) continue;
      out += String(span.value).repeat(REPEAT[run[span.start - 1] ?? ''] ?? 1);
    }
    run = [];
  };
  for (const w of spoken) {
    if (/^\d[\d.,/:-]*$/.test(w)) {
      const repeat = REPEAT[run.at(-1) ?? ''] ?? 1;
      flush();
      // Typed digits keep their leading zeros, which a number parse would drop.
      out += w.replace(/\D/g, '').repeat(repeat);
    } else run.push(w);
  }
  flush();
  return out === '' ? null : out;
}
