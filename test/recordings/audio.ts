// Small measurements of PCM audio for the recording tests.

/** Root mean square amplitude of samples[from, to). */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! ** 2;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

export function peak(samples: Int16Array, from = 0, to = samples.length): number {
  let max = 0;
  for (let i = from; i < to; i++) max = Math.max(max, Math.abs(samples[i]!));
  return max;
}

/**
 * Median fundamental frequency of the voiced 40 ms frames (normalised autocorrelation between
 * 70 and 400 Hz): a female and a male voice are an octave or so apart.
 */
export function medianPitch(samples: Int16Array, rate: number): number {
  const frame = Math.round(0.04 * rate);
  const hop = Math.round(0.02 * rate);
  const found: number[] = [];
  for (let start = 0; start + frame < samples.length; start += hop) {
    if (rms(samples, start, start + frame) < 500) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = Math.round(rate / 400); lag <= Math.round(rate / 70); lag++) {
      let cross = 0;
      let a2 = 0;
      let b2 = 0;
      for (let i = 0; i + lag < frame; i++) {
        const a = samples[start + i]!;
        const b = samples[start + i + lag]!;
        cross += a * b;
        a2 += a * a;
        b2 += b * b;
      }
      const r = cross / Math.sqrt(a2 * b2 || 1);
      if (r > best) [best, bestLag] = [r, lag];
    }
    if (best > 0.6) found.push(rate / bestLag);
  }
  found.sort((x, y) => x - y);
  return found[found.length >> 1] ?? 0;
}
