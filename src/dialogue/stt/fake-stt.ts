import { ProviderError } from '../ports/provider-error.ts';
import type { Stt, Transcript } from '../ports/stt.ts';
import type { Pcm } from '../tts/tts.ts';

// The STT fake: hands out scripted transcripts, one per utterance that holds sound, in order;
// audio that is silence gives an empty transcript and uses nothing of the script. A scripted
// ProviderError is thrown in its turn, to test what a driver does with a failing recogniser.

/** Peak amplitude below which audio counts as silence (about -50 dBFS). */
const SILENCE_PEAK = 100;

export class FakeStt implements Stt {
  readonly #script: Array<string | ProviderError>;
  /** Every utterance it was asked to transcribe: its length in seconds and language. */
  readonly calls: Array<{ seconds: number; language: string }> = [];

  constructor(script: Array<string | ProviderError> = []) {
    this.#script = [...script];
  }

  async transcribe(audio: Pcm, options: { language: string }): Promise<Transcript> {
    this.calls.push({
      seconds: audio.samples.length / audio.sampleRate,
      language: options.language,
    });
    if (!hasSound(audio.samples)) return { text: '', confidence: 0 };
    const next = this.#script.shift();
    if (next === undefined)
      throw new ProviderError('fake-stt', 'rejected', 'fake-stt: no scripted transcript left');
    if (next instanceof ProviderError) throw next;
    return { text: next, confidence: 1 };
  }
}

function hasSound(samples: Int16Array): boolean {
  for (const s of samples) if (s > SILENCE_PEAK || s < -SILENCE_PEAK) return true;
  return false;
}
