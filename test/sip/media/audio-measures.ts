// Measurements the media tests use to judge audio: a sine to send, its energy, the share of a
// signal's energy at one frequency (Goertzel), and the best normalised correlation between two
// signals over a range of lags.

export function sine(freq: number, rate: number, seconds: number, amplitude = 12000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

export function energy(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return sum;
}

export function rms(samples: Int16Array): number {
  return samples.length === 0 ? 0 : Math.sqrt(energy(samples) / samples.length);
}

/**
 * The share (0..1) of the signal's energy in the DFT bin at `freq`, scaled so a pure sine whose
 * length is a whole number of periods gives about 1.
 */
export function toneShare(samples: Int16Array, freq: number, rate: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const w = (2 * Math.PI * freq) / rate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    re += samples[i]! * Math.cos(w * i);
    im -= samples[i]! * Math.sin(w * i);
  }
  const binPower = (2 * (re * re + im * im)) / n;
  const total = energy(samples);
  return total === 0 ? 0 : binPower / total;
}

/** The highest normalised cross-correlation of b against a, b shifted by 0..maxLag samples. */
export function bestCorrelation(
  a: Int16Array,
  b: Int16Array,
  maxLag: number,
): { value: number; lag: number } {
  let best = { value: -1, lag: 0 };
  for (let lag = 0; lag <= maxLag; lag++) {
    const n = Math.min(a.length, b.length - lag);
    if (n <= 0) break;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i + lag]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    const value = aa && bb ? ab / Math.sqrt(aa * bb) : 0;
    if (value > best.value) best = { value, lag };
  }
  return best;
}

/** The index of the first 20 ms block whose RMS passes `threshold`, or -1. */
export function onset(samples: Int16Array, rate: number, threshold: number): number {
  const block = rate / 50;
  for (let at = 0; at + block <= samples.length; at += block) {
    if (rms(samples.subarray(at, at + block)) > threshold) return at;
  }
  return -1;
}

export function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
