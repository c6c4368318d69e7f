import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import type { Tts } from '../../src/dialogue/tts/tts.ts';

// What every Tts must do (docs/providers.md). A provider's test file calls ttsConformance with
// a factory; the fakes' run is in tts.test.ts.

export interface TtsFactory {
  make(): Tts;
  /** The rate the provider was made to produce. */
  sampleRate: number;
  /** A provider whose next synthesis fails, when the provider has a way to fail on demand. */
  failing?: () => Tts;
}

export function ttsConformance(name: string, factory: TtsFactory): void {
  describe(`Tts conformance: ${name}`, () => {
    const tts = factory.make();
    after(() => tts.close());

    it('gives non-empty 16-bit PCM at the declared rate for a sentence, in both voices', async () => {
      for (const speaker of ['robot', 'callee'] as const) {
        const pcm = await tts.synthesize('Hello, this is a test call.', 'en', speaker);
        assert.equal(pcm.sampleRate, factory.sampleRate);
        assert.ok(pcm.samples instanceof Int16Array);
        assert.ok(pcm.samples.length > factory.sampleRate / 10, `${speaker}: under 0.1 s`);
        assert.ok(
          pcm.samples.some((s) => s !== 0),
          `${speaker}: all zero`,
        );
      }
    });

    it('gives the same length for the same text twice', async () => {
      const a = await tts.synthesize('Your payment is due tomorrow.', 'en', 'robot');
      const b = await tts.synthesize('Your payment is due tomorrow.', 'en', 'robot');
      assert.equal(a.samples.length, b.samples.length);
    });

    it('takes longer to say more', async () => {
      const short = await tts.synthesize('Yes.', 'en', 'robot');
      const long = await tts.synthesize(
        'Yes, I will pay the whole amount next Friday after I get my salary.',
        'en',
        'robot',
      );
      assert.ok(long.samples.length > short.samples.length);
    });

    it('refuses work once closed, with a ProviderError that is not retryable', async () => {
      const closing = factory.make();
      await closing.close();
      const err = await closing.synthesize('after close', 'en', 'robot').then(
        () => assert.fail('synthesized after close'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderError, String(err));
      assert.equal(err.retryable, false);
    });

    if (factory.failing) {
      const failing = factory.failing;
      it('fails with a ProviderError that says whether to retry', async () => {
        const broken = failing();
        const err = await broken.synthesize('hello', 'en', 'robot').then(
          () => assert.fail('did not fail'),
          (e: unknown) => e,
        );
        await broken.close();
        assert.ok(err instanceof ProviderError, String(err));
        assert.equal(typeof err.retryable, 'boolean');
        assert.ok(err.provider.length > 0);
      });
    }
  });
}
