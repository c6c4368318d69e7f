import { speechSeconds } from '../timeline.ts';
import type { Pcm, Speaker, Tts } from './tts.ts';

// The fake for tests: a tone as long as the timeline's estimate for the text, so a recording
// made with it lasts exactly what estimateTimeline predicts. Instant and deterministic.

const PITCH: Readonly<Record<Speaker, number>> = { robot: 440, callee: 180 };
const AMPLITUDE = 8_000;
const FADE_SECONDS = 0.01;

export class ToneTts implements Tts {
  readonly #sampleRate: number;

  constructor(sampleRate = 16_000) {
    this.#sampleRate = sampleRate;
  }

  async synthesize(text: string, _language: string, speaker: Speaker): Promise<Pcm> {
    const rate = this.#sampleRate;
    const samples = new Int16Array(Math.round(speechSeconds(text) * rate));
    const step = (2 * Math.PI * PITCH[speaker]) / rate;
    const fade = Math.max(1, Math.round(FADE_SECONDS * rate));
    for (let i = 0; i < samples.length; i++) {
      // Short fades at both ends, so the cut into silence does not click.
      const edge = Math.min(1, i / fade, (samples.length - 1 - i) / fade);
      samples[i] = Math.round(AMPLITUDE * edge * Math.sin(i * step));
    }
    return { sampleRate: rate, samples };
  }

  async close(): Promise<void> {}
}
