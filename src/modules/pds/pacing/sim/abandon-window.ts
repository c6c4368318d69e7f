// The abandon rate over a trailing window, from a run's timeline (docs/pds.md, "Benchmark"). The
// since-start rate is what the hard cap and the regulator's whole window read; a trailing window
// shows whether the drops came in a burst that the long average hides.

import type { TimelinePoint } from './simulation.ts';

type Counts = Pick<TimelinePoint, 'atMs' | 'connected' | 'drops'>;

export interface WindowPoint {
  atMs: number;
  /** drops / (drops + connected) among the live answers of the trailing window; null if none. */
  abandonRate: number | null;
}

/** The trailing-window rate at every timeline point that has a whole window behind it. */
export function trailingAbandonRates(timeline: readonly Counts[], windowMs: number): WindowPoint[] {
  const points: WindowPoint[] = [];
  let start = 0;
  for (const point of timeline) {
    if (point.atMs < windowMs) continue;
    while (timeline[start + 1] && timeline[start + 1]!.atMs <= point.atMs - windowMs) start += 1;
    const from = timeline[start]!;
    const drops = point.drops - from.drops;
    const answered = drops + point.connected - from.connected;
    points.push({ atMs: point.atMs, abandonRate: answered === 0 ? null : drops / answered });
  }
  return points;
}

/** The highest trailing-window rate of a run (0 when the run is shorter than the window). */
export function maxTrailingAbandonRate(timeline: readonly Counts[], windowMs: number): number {
  let max = 0;
  for (const { abandonRate } of trailingAbandonRates(timeline, windowMs)) {
    if (abandonRate !== null) max = Math.max(max, abandonRate);
  }
  return max;
}
