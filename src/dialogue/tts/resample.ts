// Sample-rate conversion for synthesized speech (espeak-ng speaks at 22,050 Hz, recordings are
// 16,000 Hz). A polyphase windowed-sinc filter: a plain linear interpolator would fold the
// 8–11 kHz band of the source back into the audible range as hiss when going down. Sample rates
// are whole numbers, so the output falls on `to / gcd` distinct phases between input samples;
// the filter taps of each phase are computed once per rate pair.

const HALF_TAPS = 16;

interface Bank {
  up: number;
  down: number;
  /** Taps per phase (each phase's taps sum to 1). */
  width: number;
  reach: number;
  taps: Float64Array;
}

const banks = new Map<string, Bank>();

export function resample(input: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return input.slice();
  const { up, down, width, reach, taps } = bankFor(from, to);
  const out = new Int16Array(Math.round((input.length * up) / down));
  for (let n = 0; n < out.length; n++) {
    const position = n * down;
    const base = Math.floor(position / up);
    const phase = position - base * up;
    const row = phase * width;
    const first = base - reach + 1;
    // Only the taps that fall inside the input (the ends of the clip have fewer).
    const lo = Math.max(0, -first);
    const hi = Math.min(width, input.length - first);
    let sum = 0;
    for (let j = lo; j < hi; j++) sum += input[first + j]! * taps[row + j]!;
    out[n] = Math.max(-32768, Math.min(32767, Math.round(sum)));
  }
  return out;
}

function bankFor(from: number, to: number): Bank {
  const key = `${from}:${to}`;
  let bank = banks.get(key);
  if (!bank) {
    const g = gcd(from, to);
    const up = to / g;
    const down = from / g;
    const ratio = to / from;
    // Below the lower of the two Nyquist frequencies, with a little room for the window's slope.
    const cutoff = Math.min(1, ratio) * 0.95;
    const reach = Math.ceil(HALF_TAPS / Math.min(1, ratio));
    const width = 2 * reach;
    const taps = new Float64Array(up * width);
    for (let phase = 0; phase < up; phase++) {
      const offset = phase / up;
      let total = 0;
      for (let j = 0; j < width; j++) {
        const x = j - reach + 1 - offset;
        const w = cutoff * sinc(cutoff * x) * blackman(x / reach);
        taps[phase * width + j] = w;
        total += w;
      }
      for (let j = 0; j < width; j++) taps[phase * width + j]! /= total;
    }
    bank = { up, down, width, reach, taps };
    banks.set(key, bank);
  }
  return bank;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window over [-1, 1]. */
function blackman(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const a = Math.PI * (t + 1);
  return 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a);
}
