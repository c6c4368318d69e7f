import type { Pcm } from '../../../dialogue/tts/tts.ts';

/** Quieter than this (about -40 dBFS) is the silence a TTS puts before its first word. */
const LEAD_SILENT = 300;

/**
 * The line from just before its first sound: a TTS starts its audio with tens of ms of silence
 * (eSpeak NG: about 40), which the callee would otherwise wait through on every turn.
 */
export function withoutLeadingSilence(pcm: Pcm): Pcm {
  const { samples, sampleRate } = pcm;
  let first = 0;
  while (first < samples.length && Math.abs(samples[first]!) <= LEAD_SILENT) first += 1;
  // 5 ms kept before the sound so its onset is not clipped; a silent line is played as it is.
  const from = first === samples.length ? 0 : Math.max(0, first - Math.round(sampleRate / 200));
  return from === 0 ? pcm : { sampleRate, samples: samples.subarray(from) };
}
