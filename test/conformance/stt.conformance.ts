import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { transcribeWav, type Stt } from '../../src/dialogue/ports/stt.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { writeWav } from '../../src/dialogue/wav.ts';

// What every Stt must do (docs/providers.md): a transcript for speech, an empty one for
// silence, the same through a WAV file, ProviderErrors on failure.

export interface SttFactory {
  /** A recogniser ready for `utterances` utterances of `speech()`, in English. */
  make(utterances: number): Stt;
  /** Audio of someone speaking. */
  speech(): Promise<Pcm>;
  /** A recogniser whose next transcription fails. */
  failing: () => Stt;
}

const silence = (rate: number, seconds: number): Pcm => ({
  sampleRate: rate,
  samples: new Int16Array(rate * seconds),
});

export function sttConformance(name: string, factory: SttFactory): void {
  describe(`Stt conformance: ${name}`, () => {
    it('gives a transcript with a confidence for speech', async () => {
      const t = await factory.make(1).transcribe(await factory.speech(), { language: 'en' });
      assert.ok(t.text.trim().length > 0, 'empty transcript for speech');
      assert.ok(t.confidence > 0 && t.confidence <= 1, `confidence ${t.confidence}`);
    });

    it('gives an empty transcript with no confidence for silence', async () => {
      for (const rate of [8_000, 16_000]) {
        const t = await factory.make(0).transcribe(silence(rate, 1), { language: 'en' });
        assert.deepEqual(t, { text: '', confidence: 0 });
      }
    });

    it('reads a mono 16-bit WAV file the same way', async () => {
      const speech = await factory.speech();
      const direct = await factory.make(1).transcribe(speech, { language: 'en' });
      const wav = await transcribeWav(factory.make(1), writeWav(speech), 'en');
      assert.deepEqual(wav, direct);
    });

    it('refuses bytes that are not WAV with a ProviderError that is not retryable', async () => {
      const err = await transcribeWav(factory.make(0), Buffer.from('not audio'), 'en').then(
        () => assert.fail('transcribed garbage'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderError);
      assert.equal(err.retryable, false);
    });

    it('fails with a ProviderError that says whether to retry', async () => {
      const err = await factory
        .failing()
        .transcribe(await factory.speech(), { language: 'en' })
        .then(
          () => assert.fail('did not fail'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof ProviderError, String(err));
      assert.equal(typeof err.retryable, 'boolean');
    });
  });
}
