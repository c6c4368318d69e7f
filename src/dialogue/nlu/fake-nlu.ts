// An NLU for tests of what uses one (the dialogue engine, chatbot turns): it answers from a
// script of utterances and records every question it was asked.
import type { ProviderError } from '../ports/provider-error.ts';
import type { IntentMatch, IntentOption, Nlu, NluContext, SlotType } from './nlu.ts';

/** An intent name (confidence 1), a full match, or null for a no-match. */
export type ScriptedIntent = string | null | IntentMatch;
/** One value for any slot asked, or a value per slot. */
export type ScriptedValue = string | null | Partial<Record<SlotType, string | null>>;

export interface ScriptedNluOptions {
  /** Utterance -> intent. Utterances are compared trimmed and lowercased. */
  intents?: Record<string, ScriptedIntent>;
  /** Utterance -> slot value. */
  values?: Record<string, ScriptedValue>;
  /** Answers what the script does not cover; without it a no-match and null. */
  fallback?: Nlu;
  /** Thrown by the next calls, one each, before any answer (a provider outage). */
  failures?: ProviderError[];
}

export type NluCall =
  | { method: 'classify'; text: string; intents: string[]; context: NluContext }
  | { method: 'extract'; text: string; slot: SlotType; context: NluContext };

export class ScriptedNlu implements Nlu {
  readonly calls: NluCall[] = [];
  readonly #intents: Map<string, ScriptedIntent>;
  readonly #values: Map<string, ScriptedValue>;
  readonly #fallback: Nlu | undefined;
  readonly #failures: ProviderError[];

  constructor(options: ScriptedNluOptions = {}) {
    this.#intents = new Map(Object.entries(options.intents ?? {}).map(([k, v]) => [key(k), v]));
    this.#values = new Map(Object.entries(options.values ?? {}).map(([k, v]) => [key(k), v]));
    this.#fallback = options.fallback;
    this.#failures = [...(options.failures ?? [])];
  }

  async classify(text: string, intents: IntentOption[], context: NluContext): Promise<IntentMatch> {
    this.calls.push({ method: 'classify', text, intents: intents.map((o) => o.name), context });
    this.#fail();
    const k = key(text);
    if (!this.#intents.has(k)) {
      return this.#fallback?.classify(text, intents, context) ?? { intent: null, confidence: 0 };
    }
    const answer = this.#intents.get(k) ?? null;
    if (answer === null) return { intent: null, confidence: 0 };
    return typeof answer === 'string' ? { intent: answer, confidence: 1 } : { ...answer };
  }

  async extract(text: string, slot: SlotType, context: NluContext): Promise<string | null> {
    this.calls.push({ method: 'extract', text, slot, context });
    this.#fail();
    const answer = this.#values.get(key(text));
    if (answer === null || typeof answer === 'string') return answer;
    if (answer !== undefined && slot in answer) return answer[slot] ?? null;
    return this.#fallback?.extract(text, slot, context) ?? null;
  }

  #fail(): void {
    const failure = this.#failures.shift();
    if (failure) throw failure;
  }
}

function key(text: string): string {
  return text.trim().toLowerCase();
}

/** The NLU port's fake, under the name the other ports' fakes use. */
export { ScriptedNlu as FakeNlu };
