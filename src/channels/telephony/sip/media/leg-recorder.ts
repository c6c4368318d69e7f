import type { Pcm } from '../../../../dialogue/tts/tts.ts';
import { resample } from '../../../../dialogue/tts/resample.ts';

// Records both legs of a call on one timeline: the session adds one frame per leg on every 20 ms
// tick (silence where a side said nothing), so sample n of one leg and sample n of the other were
// sent and heard at the same moment. Frames are kept at the codec's rate and resampled to 16 kHz
// once at the end, in runs of one rate (a re-INVITE may change the codec), because resampling
// frame by frame would click at every frame edge.

export const RECORDING_RATE = 16000;

interface Run {
  rate: number;
  frames: Int16Array[];
}

export class LegRecorder {
  readonly #callee: Run[] = [];
  readonly #robot: Run[] = [];

  /** One tick's audio of each side, both `rate` samples per second and the same length. */
  add(rate: number, callee: Int16Array, robot: Int16Array): void {
    append(this.#callee, rate, callee);
    append(this.#robot, rate, robot);
  }

  stop(): { callee: Pcm; robot: Pcm; mixed: Pcm } {
    const callee = render(this.#callee);
    const robot = render(this.#robot);
    const length = Math.max(callee.length, robot.length);
    const mixed = new Int16Array(length);
    for (let i = 0; i < length; i++) {
      const sum = (callee[i] ?? 0) + (robot[i] ?? 0);
      mixed[i] = Math.max(-32768, Math.min(32767, sum));
    }
    const pcm = (samples: Int16Array): Pcm => ({ sampleRate: RECORDING_RATE, samples });
    return { callee: pcm(pad(callee, length)), robot: pcm(pad(robot, length)), mixed: pcm(mixed) };
  }
}

function append(runs: Run[], rate: number, frame: Int16Array): void {
  const last = runs.at(-1);
  if (last && last.rate === rate) last.frames.push(frame);
  else runs.push({ rate, frames: [frame] });
}

function render(runs: Run[]): Int16Array {
  const parts = runs.map((run) => resample(concat(run.frames), run.rate, RECORDING_RATE));
  return concat(parts);
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function pad(samples: Int16Array, length: number): Int16Array {
  if (samples.length === length) return samples;
  const out = new Int16Array(length);
  out.set(samples);
  return out;
}
