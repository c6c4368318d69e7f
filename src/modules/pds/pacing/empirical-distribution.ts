// A distribution of durations learnt from the most recent observations: a window that starts with
// a few prior samples and drops its oldest sample once full, so the estimate moves from the prior
// to what the dialer measures (the prior weighs as many observations as it has samples), and
// keeps following the measurements if they drift.

export class EmpiricalDistribution {
  readonly #window: number[];
  readonly #capacity: number;
  #sorted: number[] | null = null;

  constructor(prior: readonly number[], capacity: number) {
    if (prior.length === 0)
      throw new Error('EmpiricalDistribution needs at least one prior sample');
    if (capacity < prior.length) throw new Error('the prior does not fit in the window');
    this.#capacity = capacity;
    this.#window = [...prior];
  }

  add(sample: number): void {
    this.#window.push(sample);
    if (this.#window.length > this.#capacity) this.#window.shift();
    this.#sorted = null;
  }

  /** P(X <= x). */
  cdf(x: number): number {
    const sorted = this.#sortedSamples();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid]! <= x) low = mid + 1;
      else high = mid;
    }
    return low / sorted.length;
  }

  /** P(X > x). */
  survival(x: number): number {
    return 1 - this.cdf(x);
  }

  mean(): number {
    let sum = 0;
    for (const sample of this.#window) sum += sample;
    return sum / this.#window.length;
  }

  max(): number {
    const sorted = this.#sortedSamples();
    return sorted[sorted.length - 1]!;
  }

  #sortedSamples(): number[] {
    this.#sorted ??= [...this.#window].sort((a, b) => a - b);
    return this.#sorted;
  }
}

/** `count` prior samples spread evenly over [low, high]: a flat, deliberately vague prior. */
export function uniformPrior(low: number, high: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => low + ((high - low) * (i + 0.5)) / count);
}
