import type { Pcm } from '../tts/tts.ts';

// The unit of audio the voice pipeline works on: what the RTP side hands over, 20 ms at a time.
// Time is media time (`at`), never the wall clock, so tests can push a minute of audio in a few
// milliseconds and still see the timings a real call would have.

export interface VoiceFrame {
  /** Mono 16-bit PCM, 20 ms of it (160 samples at 8 kHz, 320 at 16 kHz). */
  samples: Int16Array;
  sampleRate: number;
  /** Media time of the frame's first sample, in ms since the stream began. */
  at: number;
}

export const FRAME_MS = 20;

/** How long a frame lasts, from its sample count (a short last frame is shorter). */
export function frameMs(frame: VoiceFrame): number {
  return (frame.samples.length * 1000) / frame.sampleRate;
}

/** Cuts PCM into 20 ms frames starting at media time `startMs` (tests, benchmarks, files). */
export function framesOf(pcm: Pcm, startMs = 0): VoiceFrame[] {
  const size = (pcm.sampleRate * FRAME_MS) / 1000;
  const frames: VoiceFrame[] = [];
  for (let i = 0; i < pcm.samples.length; i += size) {
    frames.push({
      samples: pcm.samples.subarray(i, Math.min(i + size, pcm.samples.length)),
      sampleRate: pcm.sampleRate,
      at: startMs + (i * 1000) / pcm.sampleRate,
    });
  }
  return frames;
}

/** Energy of the frame in dB relative to full scale (-100 for digital silence). */
export function frameDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -100;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms > 1e-5 ? 20 * Math.log10(rms) : -100;
}
