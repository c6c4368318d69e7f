// The optional LLM adapter: a chat-completion model (an OpenAI-compatible endpoint by default)
// classifies intents and extracts slots. A live call cannot wait on or fail with a remote model,
// so every failure falls back to the deterministic NLU at once. Failures are ProviderErrors (the
// log says their kind and whether a retry could help): HTTP 429/408/5xx, timeouts and network
// failures are retryable, other 4xx and answers that are not the JSON asked for are not.
import type { Logger } from '../../shared/logger.ts';
import { OpenAiLlm } from '../llm/openai-llm.ts';
import type { Llm } from '../ports/llm.ts';
import { ProviderError } from '../ports/provider-error.ts';
import { extractAmount } from './amount-extract.ts';
import { dayOf, formatDay, todayIn, weekday } from './calendar.ts';
import { KeywordNlu } from './keyword-nlu.ts';
import type { IntentMatch, IntentOption, Nlu, NluContext, SlotType } from './nlu.ts';

export type LlmNluOptions = (
  | {
      /** Up to the version, e.g. https://api.openai.com/v1; /chat/completions is appended. */
      baseUrl: string;
      apiKey: string;
      model: string;
      timeoutMs: number;
      fetch?: typeof fetch;
    }
  | { /** Any model behind the Llm port (a FakeLlm in tests). */ llm: Llm }
) & {
  /** Answers when the model does not; a KeywordNlu unless given. */
  fallback?: Nlu;
  logger?: Logger;
};

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const SLOT_RULES: Record<Exclude<SlotType, 'free_text'>, string> = {
  // The same reading as the deterministic extractor (docs/robots.md "Dates the callee says").
  date: 'the calendar date the person means, as YYYY-MM-DD; weeks start on Monday and "next Friday" is the Friday of next week, "Friday" or "this Friday" the coming one',
  amount: 'the amount of money, as a plain number without currency or separators (150000)',
  yes_no: '"yes" or "no"',
  digits: 'the digits the person said, as a string of 0-9 only',
};

/** The model answered, but not with what was asked: never worth asking again the same way. */
function badAnswer(reason: string): ProviderError {
  return new ProviderError('llm', 'bad_response', reason);
}

export class LlmNlu implements Nlu {
  readonly #options: LlmNluOptions;
  readonly #llm: Llm;
  readonly #fallback: Nlu;

  constructor(options: LlmNluOptions) {
    this.#options = options;
    this.#llm = 'llm' in options ? options.llm : new OpenAiLlm(options);
    this.#fallback = options.fallback ?? new KeywordNlu();
  }

  async classify(text: string, intents: IntentOption[], context: NluContext): Promise<IntentMatch> {
    if (text.trim() === '' || intents.length === 0) {
      return this.#fallback.classify(text, intents, context);
    }
    const list = intents
      .map((o) => `- ${o.name}: ${o.phrases.map((p) => JSON.stringify(p)).join('; ')}`)
      .join('\n');
    const system =
      `You classify what a person said on a phone call placed by a voice robot. ` +
      `Language: ${context.language}. The text is a speech transcript and may contain ` +
      `recognition errors. Intents, with example phrases:\n${list}\n` +
      `Choose the one intent that fits, or null when none does. Answer with only a JSON ` +
      `object: {"intent": "<one of the names above, or null>", "confidence": <0 to 1>}.`;
    try {
      const answer = await this.#ask(system, text);
      const { intent, confidence } = answer;
      if (intent === null) return { intent: null, confidence: 0 };
      const c = typeof confidence === 'string' ? Number(confidence) : confidence;
      if (typeof intent !== 'string' || !intents.some((o) => o.name === intent)) {
        throw badAnswer('unknown intent');
      }
      if (typeof c !== 'number' || !Number.isFinite(c)) throw badAnswer('no confidence');
      return { intent, confidence: Math.min(1, Math.max(0, c)) };
    } catch (err) {
      this.#warn(err, 'classify');
      return this.#fallback.classify(text, intents, context);
    }
  }

  async extract(text: string, slot: SlotType, context: NluContext): Promise<string | null> {
    // The trimmed text needs no model.
    if (slot === 'free_text' || text.trim() === '') {
      return this.#fallback.extract(text, slot, context);
    }
    const today = todayIn(context.now, context.timeZone);
    const system =
      `You extract one value from what a person said on a phone call placed by a voice robot. ` +
      `Language: ${context.language}. The call is on ${formatDay(today)} ` +
      `(${DAYS[weekday(today)]}) in time zone ${context.timeZone}. Slot: ${slot}. The value ` +
      `wanted: ${SLOT_RULES[slot]}. Answer with only a JSON object: {"value": "<the value>"}, or ` +
      `{"value": null} when the person did not say one.`;
    try {
      const { value } = await this.#ask(system, text);
      if (value === null) return null;
      return checkValue(slot, value);
    } catch (err) {
      this.#warn(err, `extract ${slot}`);
      return this.#fallback.extract(text, slot, context);
    }
  }

  async #ask(system: string, text: string): Promise<Record<string, unknown>> {
    const content = await this.#llm.complete(
      [
        { role: 'system', content: system },
        { role: 'user', content: text },
      ],
      { json: true, temperature: 0 },
    );
    // Some models wrap JSON in a Markdown fence even when asked not to.
    let json: unknown;
    try {
      json = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      throw badAnswer('content is not JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw badAnswer('not a JSON object');
    }
    return json as Record<string, unknown>;
  }

  #warn(err: unknown, operation: string): void {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const kind = err instanceof ProviderError ? { kind: err.kind, retryable: err.retryable } : {};
    this.#options.logger?.warn(
      { operation, reason, ...kind },
      'LLM NLU failed; deterministic NLU answers',
    );
  }
}

/** The model's value in the interface's normal form, or a bad_response ProviderError when it is not one. */
function checkValue(slot: Exclude<SlotType, 'free_text'>, value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') throw badAnswer('value is not a string');
  const v = text.trim();
  if (slot === 'date') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m && dayOf(Number(m[1]), Number(m[2]), Number(m[3])) !== null) return v;
  } else if (slot === 'amount') {
    const amount = /^[\d.,\s]+$/.test(v) ? extractAmount(v, 'en') : null;
    if (amount !== null) return amount;
  } else if (slot === 'yes_no') {
    const yn = v.toLowerCase();
    if (yn === 'yes' || yn === 'no') return yn;
  } else if (/^[\d\s-]+$/.test(v) && /\d/.test(v)) return v.replace(/\D/g, '');
  throw badAnswer(`not a ${slot}`);
}

/**
 * The NLU for the configuration: with no key the deterministic one alone (the endpoint is
 * never called); with a key the endpoint, backed by the deterministic one.
 */
export function createNlu(options: {
  llmUrl: string;
  llmKey: string;
  llmModel: string;
  llmTimeoutMs?: number;
  logger?: Logger;
}): Nlu {
  const keyword = new KeywordNlu();
  if (options.llmKey.trim() === '') return keyword;
  return new LlmNlu({
    baseUrl: options.llmUrl,
    apiKey: options.llmKey,
    model: options.llmModel,
    // A callee waits in silence while this runs.
    timeoutMs: options.llmTimeoutMs ?? 3000,
    fallback: keyword,
    logger: options.logger,
  });
}
