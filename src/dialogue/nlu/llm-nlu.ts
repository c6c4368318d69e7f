// The optional LLM adapter: an OpenAI-compatible chat-completions endpoint classifies intents and
// extracts slots. A live call cannot wait on or fail with a remote model, so every failure (HTTP
// error, timeout, an answer that is not the JSON asked for) falls back to the deterministic NLU.
import type { Logger } from '../../shared/logger.ts';
import { extractAmount } from './amount-extract.ts';
import { dayOf, formatDay, todayIn, weekday } from './calendar.ts';
import { KeywordNlu } from './keyword-nlu.ts';
import type { IntentMatch, IntentOption, Nlu, NluContext, SlotType } from './nlu.ts';

export interface LlmNluOptions {
  /** Up to the version, e.g. https://api.openai.com/v1; /chat/completions is appended. */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Answers when the endpoint does not; a KeywordNlu unless given. */
  fallback?: Nlu;
  logger?: Logger;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const SLOT_RULES: Record<Exclude<SlotType, 'free_text'>, string> = {
  // The same reading as the deterministic extractor (docs/robots.md "Dates the callee says").
  date: 'the calendar date the person means, as YYYY-MM-DD; weeks start on Monday and "next Friday" is the Friday of next week, "Friday" or "this Friday" the coming one',
  amount: 'the amount of money, as a plain number without currency or separators (150000)',
  yes_no: '"yes" or "no"',
  digits: 'the digits the person said, as a string of 0-9 only',
};

class BadAnswer extends Error {}

export class LlmNlu implements Nlu {
  readonly #options: LlmNluOptions;
  readonly #fetch: typeof fetch;
  readonly #fallback: Nlu;

  constructor(options: LlmNluOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
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
        throw new BadAnswer('unknown intent');
      }
      if (typeof c !== 'number' || !Number.isFinite(c)) throw new BadAnswer('no confidence');
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
    const { baseUrl, apiKey, model, timeoutMs } = this.#options;
    const response = await this.#fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: text },
        ],
      }),
      // Covers reading the body too: a server that stalls mid-answer also times out.
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new BadAnswer(`HTTP ${response.status}`);
    }
    const body: unknown = await response.json();
    const content = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
      ?.message?.content;
    if (typeof content !== 'string') throw new BadAnswer('no message content');
    // Some models wrap JSON in a Markdown fence even when asked not to.
    const json: unknown = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new BadAnswer('not a JSON object');
    }
    return json as Record<string, unknown>;
  }

  #warn(err: unknown, operation: string): void {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.#options.logger?.warn({ operation, reason }, 'LLM NLU failed; deterministic NLU answers');
  }
}

/** The model's value in the interface's normal form, or BadAnswer when it is not one. */
function checkValue(slot: Exclude<SlotType, 'free_text'>, value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') throw new BadAnswer('value is not a string');
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
  throw new BadAnswer(`not a ${slot}`);
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
