import { fetchFailure, httpErrorKind, ProviderError } from '../ports/provider-error.ts';
import type { ChatMessage, CompletionOptions, Llm } from '../ports/llm.ts';

// An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LiteLLM...) as an Llm.
// Every failure is a ProviderError: 429, 408, 5xx, timeouts and network failures may be retried;
// other 4xx and unreadable answers may not.

export interface OpenAiLlmOptions {
  /** Up to the version, e.g. https://api.openai.com/v1; /chat/completions is appended. */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const PROVIDER = 'llm';

export class OpenAiLlm implements Llm {
  readonly #o: OpenAiLlmOptions;
  readonly #fetch: typeof fetch;

  constructor(options: OpenAiLlmOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<string> {
    const { baseUrl, apiKey, model, timeoutMs } = this.#o;
    let body: unknown;
    try {
      const response = await this.#fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          model,
          temperature: options.temperature ?? 0,
          ...(options.json ? { response_format: { type: 'json_object' } } : {}),
          messages,
        }),
        // Covers reading the body too: a server that stalls mid-answer also times out.
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new ProviderError(
          PROVIDER,
          httpErrorKind(response.status),
          `HTTP ${response.status}`,
        );
      }
      body = await response.json();
    } catch (err) {
      throw fetchFailure(PROVIDER, err);
    }
    const content = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
      ?.message?.content;
    if (typeof content !== 'string')
      throw new ProviderError(PROVIDER, 'bad_response', 'no message content');
    return content;
  }
}
