// Turns what a callee said (or an STT transcript, or a chat message) into comparable words, and
// compares words tolerantly. Script phrases go through the same function, so whatever this does
// to an utterance it also does to the phrases it is matched against.

/** Words of an utterance; `clauses[i]` numbers the clause (split at , . ; ! ?) of `words[i]`. */
export interface Words {
  words: string[];
  clauses: number[];
}

// Expanded before apostrophes go, so "won't pay" and "will not pay" become the same words and
// negation stays visible. Spelled without apostrophes too, as people type them in chats.
const EN_CONTRACTIONS: Record<string, string> = {
  wont: 'will not',
  cant: 'can not',
  cannot: 'can not',
  shant: 'shall not',
  aint: 'am not',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  werent: 'were not',
  havent: 'have not',
  hasnt: 'has not',
  hadnt: 'had not',
  wouldnt: 'would not',
  couldnt: 'could not',
  shouldnt: 'should not',
  im: 'i am',
  ok: 'okay',
};

// Colloquial and chat spellings to one form, so a script phrase "tidak bisa" also matches
// "nggak bisa" and "gk bisa".
const ID_CANONICAL: Record<string, string> = {
  nggak: 'tidak',
  ngga: 'tidak',
  enggak: 'tidak',
  engga: 'tidak',
  gak: 'tidak',
  ga: 'tidak',
  gk: 'tidak',
  tdk: 'tidak',
  kagak: 'tidak',
  ndak: 'tidak',
  nda: 'tidak',
  tak: 'tidak',
  iya: 'ya',
  iyah: 'ya',
  yoi: 'ya',
  y: 'ya',
  udah: 'sudah',
  udh: 'sudah',
  sdh: 'sudah',
  dah: 'sudah',
  blm: 'belum',
  blum: 'belum',
  belom: 'belum',
  aja: 'saja',
  gimana: 'bagaimana',
  tau: 'tahu',
  bener: 'benar',
  bsk: 'besok',
  tgl: 'tanggal',
  ok: 'oke',
  okay: 'oke',
  okey: 'oke',
};

// Particles that only colour a sentence; "ya" is NOT here: it means yes.
const ID_FILLERS = new Set(['anu', 'gitu', 'sih', 'dong', 'deh', 'lho', 'loh']);

// Hesitation sounds in any language: um, uhm, uh, er, erm, hmm, mm, eh, ehm, ee, ah, ahm.
const HESITATION = /^(u+h*m+|u+h+|h+m+|m+|e+r+m*|e+h*m*|a+h+m*)$/;

const NEGATIONS = new Set(['not', 'never', 'tidak', 'bukan', 'belum', 'jangan']);

/** Negation words: they are compared exactly, a typo must not turn "not" into something else. */
export function isNegation(word: string): boolean {
  return NEGATIONS.has(word);
}

/** The utterance as one string of normalised words. */
export function normalise(text: string, language: string): string {
  return normaliseWords(text, language).words.join(' ');
}

export function normaliseWords(text: string, language: string): Words {
  const lang = language.toLowerCase().split('-')[0] ?? '';
  let s = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  s = s.replace(/[\u2018\u2019\u02bc`´]/g, "'");
  if (lang === 'en') s = expandApostrophes(s);
  s = s.replace(/'/g, '');
  // Clause breaks, except inside numbers ("150,000", "1.5").
  s = s.replace(/[,.;!?]/g, (ch, at: number) =>
    isDigit(s[at - 1]) && isDigit(s[at + 1]) ? ch : ' | ',
  );
  // Other punctuation becomes a space, except separators inside numbers and dates.
  s = s.replace(/[^\p{L}\p{N}|.,]/gu, (ch, at: number) =>
    '/:-'.includes(ch) && isDigit(s[at - 1]) && isDigit(s[at + 1]) ? ch : ' ',
  );
  const out: Words = { words: [], clauses: [] };
  let clause = 0;
  for (const raw of s.split(/\s+/)) {
    if (raw === '') continue;
    if (raw === '|') {
      if (out.clauses.at(-1) === clause) clause++;
      continue;
    }
    // "rp150.000" -> "rp 150.000", "15th" -> "15 th", "1,5jt" -> "1,5 jt".
    for (const part of raw.match(/\d+(?:[.,/:-]\d+)*|\D+/g) ?? []) {
      for (const word of canonical(part, lang).split(' ')) {
        out.words.push(word);
        out.clauses.push(clause);
      }
    }
  }
  return removeFillers(out, lang);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function expandApostrophes(s: string): string {
  return s
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bshan't\b/g, 'shall not')
    .replace(/\bain't\b/g, 'am not')
    .replace(/n't\b/g, ' not')
    .replace(/'ll\b/g, ' will')
    .replace(/'re\b/g, ' are')
    .replace(/'ve\b/g, ' have')
    .replace(/'m\b/g, ' am')
    .replace(/'d\b/g, ' would');
}

function canonical(word: string, lang: string): string {
  // "yesss", "iyaaa", "nooo": a letter held for three or more is one letter.
  const w = /\d/.test(word) ? word : word.replace(/(\p{L})\1{2,}/gu, '$1');
  if (lang === 'en') return EN_CONTRACTIONS[w] ?? w;
  if (lang === 'id') {
    const known = ID_CANONICAL[w];
    if (known !== undefined) return known;
    // Enclitics: "bayarnya" is "bayar", "sudahlah" is "sudah"; short stems stay whole
    // ("punya", "masalah") because there the ending is part of the word.
    if (w.endsWith('nya') && w.length - 3 >= 4) return w.slice(0, -3);
    if ((w.endsWith('lah') || w.endsWith('kah')) && w.length - 3 >= 5) return w.slice(0, -3);
  }
  return w;
}

function removeFillers(input: Words, lang: string): Words {
  const { words, clauses } = input;
  const keep = words.map((w) => !HESITATION.test(w));
  const clauseStart = (i: number) => i === 0 || clauses[i - 1] !== clauses[i];
  const clauseEnd = (i: number) => i === words.length - 1 || clauses[i + 1] !== clauses[i];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const next = words[i + 1];
    if (lang === 'en') {
      // "well" and "like" are fillers only at a clause edge: "like, tomorrow" but "I'd like to".
      if (w === 'well' && clauseStart(i)) keep[i] = false;
      if (w === 'like' && (clauseStart(i) || clauseEnd(i))) keep[i] = false;
      const pair = `${w} ${next}`;
      if ((pair === 'you know' || pair === 'i mean') && (clauseStart(i) || clauseEnd(i + 1))) {
        keep[i] = keep[i + 1] = false;
      }
    }
    if (lang === 'id') {
      if (w !== undefined && ID_FILLERS.has(w)) keep[i] = false;
      // "ya kan" is a tag ("right?"), but an utterance that starts with "ya" is answering yes.
      if (w === 'ya' && next === 'kan' && clauses[i] === clauses[i + 1]) {
        keep[i + 1] = false;
        if (i > 0) keep[i] = false;
      }
    }
  }
  const out: Words = { words: [], clauses: [] };
  words.forEach((w, i) => {
    if (keep[i]) {
      out.words.push(w);
      out.clauses.push(clauses[i] ?? 0);
    }
  });
  return out;
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours ("tomorow", "besk", "tommorrow") each cost 1. Stops early above `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * Whether two normalised words are the same word, allowing a typo: one edit when both have
 * 4+ characters, two when both have 8+. Short words and negations must match exactly
 * ("can"/"cat", "not"/"now" are different words).
 */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (isNegation(a) || isNegation(b) || /\d/.test(a) || /\d/.test(b)) return false;
  const shorter = Math.min(a.length, b.length);
  const allowed = shorter >= 8 ? 2 : shorter >= 4 ? 1 : 0;
  return allowed > 0 && editDistance(a, b, allowed) <= allowed;
}
