import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Llm } from '../../src/dialogue/ports/llm.ts';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';

// What every Llm must do (docs/providers.md): text for messages, and on failure a ProviderError
// whose `retryable` matches the failure.

export interface LlmFailure {
  name: string;
  make: () => Llm;
  retryable: boolean;
}

export interface LlmFactory {
  /** A model that answers `reply` to the next request. */
  answering(reply: string): Llm;
  failures: LlmFailure[];
}

export function llmConformance(name: string, factory: LlmFactory): void {
  describe(`Llm conformance: ${name}`, () => {
    it("answers the assistant's text", async () => {
      const text = await factory.answering('{"intent":"yes"}').complete(
        [
          { role: 'system', content: 'Classify.' },
          { role: 'user', content: 'yes' },
        ],
        { json: true },
      );
      assert.equal(text, '{"intent":"yes"}');
    });

    for (const failure of factory.failures) {
      it(`fails on ${failure.name} with a ProviderError, retryable ${failure.retryable}`, async () => {
        const err = await failure
          .make()
          .complete([{ role: 'user', content: 'hello' }])
          .then(
            () => assert.fail('did not fail'),
            (e: unknown) => e,
          );
        assert.ok(err instanceof ProviderError, String(err));
        assert.equal(err.retryable, failure.retryable);
      });
    }
  });
}
