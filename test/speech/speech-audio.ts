import { after } from 'node:test';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';

// eSpeak NG voices for the speech tests, one engine per sample rate, closed after the file.

const engines = new Map<number, EspeakTts>();
after(() => Promise.all([...engines.values()].map((e) => e.close())));

/** What a callee says, as eSpeak NG says it, at the given rate. */
export function say(text: string, sampleRate: number): Promise<Pcm> {
  let tts = engines.get(sampleRate);
  if (!tts) {
    tts = new EspeakTts({ sampleRate });
    engines.set(sampleRate, tts);
  }
  return tts.synthesize(text, 'en', 'callee');
}
