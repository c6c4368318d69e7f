import type { VoiceFrame } from './frame.ts';

// A steady single tone (a voicemail beep) per frame: Goertzel's algorithm measures the power at
// candidate frequencies, and a frame is tonal when one frequency holds most of its energy.
// Voice is never like that: its energy is spread over many harmonics. The beep must then stay
// on the same frequency for a while (ToneTracker), which a sung vowel or a whistle rarely does.

/** Beeps of answering machines: 400-2100 Hz, most near 1 kHz. */
const LOW_HZ = 400;
const HIGH_HZ = 2_100;
/** Half the 50 Hz resolution of a 20 ms frame: the worst scalloping loss stays near 1 dB. */
const STEP_HZ = 25;
/** Share of the frame's energy at the best frequency for the frame to count as a tone. */
const TONAL_SHARE = 0.6;
/** Quieter frames are not looked at (-45 dBFS mean square). */
const MIN_MEAN_SQUARE = (32768 * 0.0056) ** 2;

export interface ToneFrame {
  /** The frequency holding most of the energy, when the frame is a tone. */
  hz: number | undefined;
}

export function toneOf(frame: VoiceFrame): ToneFrame {
  const x = frame.samples;
  const n = x.length;
  let energy = 0;
  for (const s of x) energy += s * s;
  if (n === 0 || energy / n < MIN_MEAN_SQUARE) return { hz: undefined };
  let bestHz = 0;
  let bestPower = 0;
  for (let hz = LOW_HZ; hz <= HIGH_HZ && hz < frame.sampleRate / 2; hz += STEP_HZ) {
    const power = goertzel(x, hz, frame.sampleRate);
    if (power > bestPower) {
      bestPower = power;
      bestHz = hz;
    }
  }
  // For a pure sine at the probed frequency, |X|^2 is (n/2)^2 A^2 and the energy n A^2 / 2.
  const share = (2 * bestPower) / (n * energy);
  return { hz: share >= TONAL_SHARE ? bestHz : undefined };
}

function goertzel(x: Int16Array, hz: number, rate: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/** Follows tonal frames over time: how long the same tone has lasted (±50 Hz drift allowed). */
export class ToneTracker {
  #hz: number | undefined;
  #since = 0;
  #until = 0;

  /** Feeds a frame; gives the length in ms of the tone it continues, 0 when it is not a tone. */
  push(frame: VoiceFrame, end: number): number {
    const { hz } = toneOf(frame);
    if (hz === undefined) {
      this.#hz = undefined;
      return 0;
    }
    if (this.#hz === undefined || Math.abs(hz - this.#hz) > 50) {
      this.#hz = hz;
      this.#since = frame.at;
    }
    this.#until = end;
    return this.#until - this.#since;
  }

  get hz(): number | undefined {
    return this.#hz;
  }
}
