import { ProviderError } from '../ports/provider-error.ts';
import { ToneTts } from './tone-tts.ts';
import type { Pcm, Speaker } from './tts.ts';

// The TTS fake: the tone fake's audio, with scripted failures first (one per call, in order)
// and a ProviderError once closed, as a real provider behaves.

export class FakeTts extends ToneTts {
  readonly #failures: ProviderError[];
  #closed = false;

  constructor(options: { sampleRate?: number; failures?: ProviderError[] } = {}) {
    super(options.sampleRate);
    this.#failures = [...(options.failures ?? [])];
  }

  override async synthesize(text: string, language: string, speaker: Speaker): Promise<Pcm> {
    if (this.#closed) throw new ProviderError('fake-tts', 'closed', 'fake-tts is closed');
    const failure = this.#failures.shift();
    if (failure) throw failure;
    return super.synthesize(text, language, speaker);
  }

  override async close(): Promise<void> {
    this.#closed = true;
  }
}
