// The deterministic default NLU: the robot script's example phrases, matched against the
// normalised utterance. No model, no network, the same answer every time, so a call replays.
import { extractAmount } from './amount-extract.ts';
import { extractDate } from './date-extract.ts';
import { extractDigits } from './digits-extract.ts';
import type { IntentMatch, IntentOption, Nlu, NluContext, SlotType } from './nlu.ts';
import { isNegation, normaliseWords, sameWord } from './normalise.ts';
import type { Words } from './normalise.ts';
import { extractYesNo } from './yes-no-extract.ts';

export interface KeywordNluOptions {
  /** Below this confidence the answer is a no-match (intent null). */
  threshold?: number;
}

// Words that say little on their own: a phrase "I will pay" half-matched by "I will call you"
// must not count as a promise to pay.
const LIGHT = new Set(
  (
    'i you we they he she it me my your our the a an to of and or for on in at is am are be ' +
    'will would can could do does did that this so just saya aku kami kita anda bapak ibu pak ' +
    'bu akan yang di ke dari dan atau ini itu ada'
  ).split(' '),
);
const FUZZY = 0.9;

/** Normalised phrases kept per instance: robot phrases repeat on every call. */
const PHRASE_CACHE_LIMIT = 20_000;

export class KeywordNlu implements Nlu {
  readonly #threshold: number;
  readonly #phrases = new Map<string, string[]>();

  constructor(options: KeywordNluOptions = {}) {
    this.#threshold = options.threshold ?? 0.5;
  }

  async classify(text: string, intents: IntentOption[], context: NluContext): Promise<IntentMatch> {
    const heard = normaliseWords(text, context.language);
    let best = { intent: null as string | null, score: 0, length: 0 };
    if (heard.words.length === 0) return { intent: null, confidence: 0 };
    for (const option of intents) {
      for (const phrase of option.phrases) {
        const words = this.#phraseWords(phrase, context.language);
        if (words.length === 0) continue;
        const score = scorePhrase(heard, words);
        // On a tie the longer phrase is the more specific one ("not pay" over "pay").
        const tie = Math.abs(score - best.score) < 1e-9 && words.length > best.length;
        if (score > best.score + 1e-9 || tie)
          best = { intent: option.name, score, length: words.length };
      }
    }
    if (best.intent === null || best.score < this.#threshold)
      return { intent: null, confidence: 0 };
    return { intent: best.intent, confidence: Math.round(best.score * 1000) / 1000 };
  }

  #phraseWords(phrase: string, language: string): string[] {
    const key = `${language}\u0000${phrase}`;
    let words = this.#phrases.get(key);
    if (!words) {
      if (this.#phrases.size >= PHRASE_CACHE_LIMIT) this.#phrases.clear();
      words = normaliseWords(phrase, language).words;
      this.#phrases.set(key, words);
    }
    return words;
  }

  async extract(text: string, slot: SlotType, context: NluContext): Promise<string | null> {
    switch (slot) {
      case 'date':
        return extractDate(text, context);
      case 'amount':
        return extractAmount(text, context.language);
      case 'yes_no':
        return extractYesNo(text, context.language);
      case 'digits':
        return extractDigits(text, context.language);
      case 'free_text':
        return text.trim() === '' ? null : text.trim();
    }
  }
}

/**
 * 0..1: the phrase said word for word scores 0.85 and up (more when it is most of what was
 * said); with typos a little less; its words scattered or partly present at most 0.8. A phrase
 * under a negation the phrase does not have ("I will NOT pay" for "I will pay") scores low.
 */
function scorePhrase(heard: Words, phrase: string[]): number {
  const { words } = heard;
  const coverage = Math.min(1, phrase.length / words.length);
  let best = 0;
  let matched: number[] = [];
  for (let k = 0; k + phrase.length <= words.length; k++) {
    let weight = 0;
    for (let t = 0; t < phrase.length; t++) {
      const [a, b] = [words[k + t] ?? '', phrase[t] ?? ''];
      weight += a === b ? 1 : sameWord(a, b) ? FUZZY : -Infinity;
    }
    const score = (0.85 + 0.15 * coverage) * (weight / phrase.length);
    if (score > best) {
      best = score;
      matched = phrase.map((_, t) => k + t);
    }
  }
  if (best === 0) {
    const scattered = scatteredMatch(words, phrase);
    best = scattered.score;
    matched = scattered.positions;
  }
  if (best > 0 && !phrase.some(isNegation) && negatedAt(heard, matched)) best *= 0.4;
  return best;
}

function scatteredMatch(words: string[], phrase: string[]): { score: number; positions: number[] } {
  const used = new Set<number>();
  const positions: number[] = [];
  let got = 0;
  let total = 0;
  let inOrder = true;
  for (const p of phrase) {
    const weight = LIGHT.has(p) ? 0.3 : 1;
    total += weight;
    const last = positions.at(-1) ?? -1;
    const free = [...words.keys()].filter((i) => !used.has(i));
    const after = free.filter((i) => i > last);
    const exact = (i: number) => words[i] === p;
    const fuzzy = (i: number) => sameWord(words[i] ?? '', p);
    const at = after.find(exact) ?? free.find(exact) ?? after.find(fuzzy) ?? free.find(fuzzy) ?? -1;
    if (at < 0) {
      // A negated phrase ("tidak mau bayar") without its negation means the opposite.
      if (isNegation(p)) return { score: 0, positions: [] };
      continue;
    }
    if (at < last) inOrder = false;
    used.add(at);
    positions.push(at);
    got += weight * (words[at] === p ? 1 : FUZZY);
  }
  const score = 0.8 * (got / total) * (inOrder ? 1 : 0.9);
  return { score, positions };
}

const CONTRAST = new Set(['but', 'tapi', 'tetapi', 'namun', 'melainkan']);

/**
 * A negation up to three words before a matched word, in its clause: "I will NOT pay",
 * "tidak bisa bayar". "Not today but tomorrow" does not negate "tomorrow".
 */
function negatedAt(heard: Words, positions: number[]): boolean {
  const { words, clauses } = heard;
  for (const m of positions) {
    for (let i = m - 1; i >= Math.max(0, m - 3) && clauses[i] === clauses[m]; i--) {
      const w = words[i] ?? '';
      if (CONTRAST.has(w)) break;
      if (isNegation(w)) return true;
    }
  }
  return false;
}
