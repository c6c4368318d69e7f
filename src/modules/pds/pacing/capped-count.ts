// The distribution of a sum of independent yes/no events (a Poisson-binomial count), kept exactly
// up to `cap`, with everything at or above `cap` in the last bucket. The forecast only ever asks
// whether answers outnumber free agents, and there are never more than `cap - 1` agents.

export class CappedCount {
  readonly probabilities: Float64Array;
  readonly cap: number;

  constructor(cap: number, certain = 0) {
    this.cap = cap;
    this.probabilities = new Float64Array(cap + 1);
    this.probabilities[Math.min(certain, cap)] = 1;
  }

  /** Adds one event that happens with probability `p`. */
  addChance(p: number): void {
    if (p <= 0) return;
    const probs = this.probabilities;
    const q = Math.min(1, p);
    probs[this.cap] = probs[this.cap]! + probs[this.cap - 1]! * q;
    for (let n = this.cap - 1; n > 0; n -= 1) probs[n] = probs[n]! * (1 - q) + probs[n - 1]! * q;
    probs[0] = probs[0]! * (1 - q);
  }

  /** P(count >= n) for every n, as an array indexed by n. */
  atLeast(): Float64Array {
    const tail = new Float64Array(this.cap + 2);
    for (let n = this.cap; n >= 0; n -= 1) tail[n] = tail[n + 1]! + this.probabilities[n]!;
    return tail;
  }
}
