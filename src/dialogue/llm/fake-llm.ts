import type { ChatMessage, CompletionOptions, Llm } from '../ports/llm.ts';
import { ProviderError } from '../ports/provider-error.ts';

// The LLM fake: scripted replies in order, scripted failures (ProviderErrors) in their turn,
// and a record of every request, so tests of what uses a model need no endpoint.

export class FakeLlm implements Llm {
  readonly #script: Array<string | ProviderError>;
  readonly calls: Array<{ messages: ChatMessage[]; options: CompletionOptions }> = [];

  constructor(script: Array<string | ProviderError> = []) {
    this.#script = [...script];
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<string> {
    this.calls.push({ messages: messages.map((m) => ({ ...m })), options: { ...options } });
    const next = this.#script.shift();
    if (next === undefined)
      throw new ProviderError('fake-llm', 'rejected', 'fake-llm: no scripted reply left');
    if (next instanceof ProviderError) throw next;
    return next;
  }
}
