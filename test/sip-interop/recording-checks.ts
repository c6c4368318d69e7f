// Checks on a call's recording that need no recogniser: is a known stretch of audio (what the
// callee said) in it, and how much of it is speech. Done on 10 ms energy envelopes, which a gain,
// a mix with the other side's silence or a codec round trip leave nearly unchanged; a sample by
// sample search would be slow and break on any of those.
import { resample } from '../../src/dialogue/tts/resample.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';

const WINDOW_MS = 10;

/** Mean absolute sample per 10 ms, at 8 kHz (so 8 and 16 kHz audio compare). */
export function envelope(pcm: Pcm): Float64Array {
  const samples =
    pcm.sampleRate === 8000 ? pcm.samples : resample(pcm.samples, pcm.sampleRate, 8000);
  const size = (8000 * WINDOW_MS) / 1000;
  const out = new Float64Array(Math.floor(samples.length / size));
  for (let w = 0; w < out.length; w++) {
    let sum = 0;
    for (let i = w * size; i < (w + 1) * size; i++) sum += Math.abs(samples[i]!);
    out[w] = sum / size;
  }
  return out;
}

/**
 * The best normalised correlation (−1..1) of `part`'s envelope with any stretch of `whole`'s,
 * and where (seconds into `whole`). Near 1: `part` was said there.
 */
export function findInRecording(whole: Pcm, part: Pcm): { score: number; atSeconds: number } {
  const a = envelope(whole);
  const b = trimQuiet(envelope(part));
  const bMean = mean(b);
  const bDev = b.map((v) => v - bMean);
  const bNorm = Math.sqrt(bDev.reduce((s, v) => s + v * v, 0));
  let best = { score: -1, atSeconds: 0 };
  for (let lag = 0; lag + b.length <= a.length; lag++) {
    const slice = a.subarray(lag, lag + b.length);
    const m = mean(slice);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < b.length; i++) {
      const d = slice[i]! - m;
      dot += d * bDev[i]!;
      norm += d * d;
    }
    const score = norm === 0 || bNorm === 0 ? 0 : dot / (Math.sqrt(norm) * bNorm);
    if (score > best.score) best = { score, atSeconds: (lag * WINDOW_MS) / 1000 };
  }
  return best;
}

/** Seconds of the recording louder than `threshold` (mean absolute sample per 10 ms). */
export function voicedSeconds(pcm: Pcm, threshold = 300): number {
  return (envelope(pcm).filter((v) => v > threshold).length * WINDOW_MS) / 1000;
}

function trimQuiet(env: Float64Array, threshold = 100): Float64Array {
  let start = 0;
  let end = env.length;
  while (start < end && env[start]! < threshold) start++;
  while (end > start && env[end - 1]! < threshold) end--;
  return env.subarray(start, end);
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}
