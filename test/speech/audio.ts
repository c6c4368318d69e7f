import type { Pcm } from '../../src/dialogue/tts/tts.ts';

// Audio the speech tests build from parts: silence, a seeded hiss, a tone, and speech from
// eSpeak NG (through EspeakTts, the npm WASM build, so it runs under plain `npm test`).

export function silence(sampleRate: number, ms: number): Pcm {
  return { sampleRate, samples: new Int16Array(Math.round((sampleRate * ms) / 1000)) };
}

/** White noise at about `dbfs` RMS, the same for the same seed. */
export function hiss(sampleRate: number, ms: number, dbfs: number, seed = 1): Pcm {
  const samples = new Int16Array(Math.round((sampleRate * ms) / 1000));
  const rms = 32768 * 10 ** (dbfs / 20);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < samples.length; i++) {
    // xorshift32, then a uniform sample in [-1, 1): RMS of uniform noise is 1/sqrt(3).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const u = (state >>> 0) / 2 ** 31 - 1;
    samples[i] = Math.round(u * rms * Math.sqrt(3));
  }
  return { sampleRate, samples };
}

export function tone(sampleRate: number, hz: number, ms: number, dbfs = -12): Pcm {
  const samples = new Int16Array(Math.round((sampleRate * ms) / 1000));
  const peak = 32768 * 10 ** (dbfs / 20) * Math.SQRT2;
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(peak * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return { sampleRate, samples };
}

export function concat(...parts: Pcm[]): Pcm {
  const sampleRate = parts[0]!.sampleRate;
  const samples = new Int16Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const p of parts) {
    if (p.sampleRate !== sampleRate) throw new Error('concat: mixed sample rates');
    samples.set(p.samples, at);
    at += p.samples.length;
  }
  return { sampleRate, samples };
}

/** Adds `noise` under `signal` (the noise repeats if shorter). */
export function mix(signal: Pcm, noise: Pcm): Pcm {
  const samples = new Int16Array(signal.samples.length);
  for (let i = 0; i < samples.length; i++) {
    const n = noise.samples[i % noise.samples.length]!;
    samples[i] = Math.max(-32768, Math.min(32767, signal.samples[i]! + n));
  }
  return { sampleRate: signal.sampleRate, samples };
}

export function ms(pcm: Pcm): number {
  return (pcm.samples.length * 1000) / pcm.sampleRate;
}
