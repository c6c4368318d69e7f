// Numbers in normalised words, spoken or typed, English and Indonesian alike (callees in
// Indonesia mix them): "150.000", "1,5 juta", "dua puluh lima", "two hundred thousand".

/** A number found at words[start..end). */
export interface NumberSpan {
  value: number;
  start: number;
  end: number;
  /** "15th", "fifteenth": a day of the month rather than a count. */
  ordinal: boolean;
  /** Had a scale word (thousand, ribu, juta, k): an amount, not a day. */
  scaled: boolean;
  /** Made of words only, no digits. */
  spelled: boolean;
}

const SMALL: Record<string, number> = {
  zero: 0,
  nol: 0,
  kosong: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  satu: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  lima: 5,
  enam: 6,
  tujuh: 7,
  delapan: 8,
  sembilan: 9,
  sepuluh: 10,
  sebelas: 11,
};

const ORDINAL: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

const SCALE: Record<string, number> = {
  thousand: 1e3,
  ribu: 1e3,
  rb: 1e3,
  rebu: 1e3,
  k: 1e3,
  million: 1e6,
  juta: 1e6,
  jt: 1e6,
  mn: 1e6,
  billion: 1e9,
  miliar: 1e9,
  milyar: 1e9,
  bn: 1e9,
};

// "seribu" is "one thousand" in one word.
const SE_SCALE: Record<string, number> = { seribu: 1e3, sejuta: 1e6, semiliar: 1e9 };

const SUFFIX = new Set(['st', 'nd', 'rd', 'th']);

/**
 * A typed number: "150.000" and "150,000" are thousands (groups of three), "1,5" and "1.5"
 * are decimals, "1.500.000,50" has both. Null when the word is not a number.
 */
export function parseNumeral(word: string): number | null {
  if (!/^\d+(?:[.,]\d+)*$/.test(word)) return null;
  const seps = word.replace(/\d/g, '');
  if (seps === '') return Number(word);
  const last = seps.at(-1) ?? '';
  let decimal: string | null = null;
  if (seps.includes('.') && seps.includes(',')) decimal = last;
  else if (seps.length === 1) {
    const [whole = '', frac = ''] = word.split(last);
    decimal = frac.length === 3 && whole !== '0' ? null : last;
  }
  let parts = word.split(decimal ?? '\u0000');
  if (parts.length > 2) return null;
  const grouped = (parts[0] ?? '').split(/[.,]/);
  if (grouped.slice(1).some((g) => g.length !== 3)) return null;
  parts = [grouped.join(''), parts[1] ?? '0'];
  return Number(`${parts[0]}.${parts[1]}`);
}

const OTHER = new Set(['hundred', 'ratus', 'seratus', 'belas', 'puluh', 'half', 'setengah']);

/** Whether the word is part of the number vocabulary ("satu", "ribu", "fifth"). */
export function isNumberWord(word: string): boolean {
  return word in SMALL || word in ORDINAL || word in SCALE || word in SE_SCALE || OTHER.has(word);
}

/** Every number in the words, left to right, each as long as it reads as one number. */
export function findNumbers(words: string[]): NumberSpan[] {
  const spans: NumberSpan[] = [];
  for (let i = 0; i < words.length;) {
    const span = readNumber(words, i);
    if (span) {
      spans.push(span);
      i = span.end;
    } else i++;
  }
  return spans;
}

function readNumber(words: string[], start: number): NumberSpan | null {
  let total = 0;
  let current = 0;
  let unit = 0; // the last single digit, which "puluh" and "belas" build on
  let lastScale = Infinity;
  let any = false;
  let scaled = false;
  let ordinal = false;
  let spelled = true;
  let i = start;
  // One digit may follow tens ("twenty five"), tens may follow hundreds; anything else is the
  // start of another number ("one two" is two digits, not three).
  const fits = (v: number) =>
    Number.isInteger(current) && (v < 10 ? current % 10 === 0 : current % 100 === 0);
  for (; i < words.length; i++) {
    const w = words[i] ?? '';
    const next = words[i + 1];
    const numeral = parseNumeral(w);
    if (numeral !== null) {
      if (current !== 0 || (any && lastScale === Infinity)) break;
      current = numeral;
      unit = numeral < 10 ? numeral : 0;
      spelled = false;
      any = true;
      if (next !== undefined && SUFFIX.has(next)) {
        ordinal = true;
        i += 2;
        break;
      }
    } else if (w in SMALL || w in ORDINAL) {
      const v = SMALL[w] ?? ORDINAL[w] ?? 0;
      if (v === 0 && w in SMALL) {
        if (any) break;
        any = true;
        i++;
        break; // "zero" stands alone
      }
      if (!fits(v)) break;
      current += v;
      unit = v < 10 ? v : 0;
      any = true;
      if (w in ORDINAL) {
        ordinal = true;
        i++;
        break;
      }
    } else if ((w === 'belas' || w === 'puluh') && unit > 0) {
      current += w === 'belas' ? 10 : unit * 9;
      unit = 0;
    } else if (w === 'hundred' || w === 'ratus') {
      if (current >= 100 || (!any && w === 'ratus')) break;
      current = (current || 1) * 100;
      unit = 0;
      any = true;
    } else if (w === 'seratus') {
      if (current !== 0) break;
      current = 100;
      any = true;
    } else if (w in SCALE || w in SE_SCALE) {
      const scale = SCALE[w] ?? SE_SCALE[w] ?? 1;
      const se = w in SE_SCALE;
      if (scale >= lastScale || (se ? current !== 0 : current === 0)) break;
      if (w === 'k' && (spelled || i === start)) break;
      total += (se ? 1 : current) * scale;
      current = 0;
      unit = 0;
      lastScale = scale;
      scaled = true;
      any = true;
    } else if ((w === 'point' || w === 'koma') && any && Number.isInteger(current)) {
      // "one point five million", "satu koma lima juta": digits after the point, one by one.
      let fraction = '';
      let k = i + 1;
      for (; k < words.length; k++) {
        const d = SMALL[words[k] ?? ''] ?? (/^\d+$/.test(words[k] ?? '') ? words[k] : undefined);
        if (d === undefined || (typeof d === 'number' && d > 9)) break;
        fraction += String(d);
      }
      if (fraction === '') break;
      current += Number(`0.${fraction}`);
      i = k - 1;
    } else if (w === 'half' || w === 'setengah') {
      if (!Number.isInteger(current)) break;
      current += 0.5;
      any = true;
      if (next === 'a') i++; // "half a million"
    } else if (w === 'a' || w === 'an') {
      // "a hundred", "a million", "one and a half"
      if (next === 'half') continue;
      if (next !== 'hundred' && !(next !== undefined && next in SCALE) && next !== 'thousand')
        break;
      if (current !== 0) break;
      current = 1;
      any = true;
    } else if ((w === 'and' || w === 'dan') && any && next !== undefined) {
      if (!(isNumberWord(next) || next === 'a' || next in SCALE)) break;
    } else break;
  }
  if (!any) return null;
  return { value: total + current, start, end: i, ordinal, scaled, spelled };
}
