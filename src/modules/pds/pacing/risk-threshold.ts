// How much drop risk the predictive pacer accepts for one more line (docs/pds.md, "The
// threshold"). The forecast gives each extra line's chance of being dropped; lines are dialled
// while that chance stays under this threshold. The abandon rate that results depends on the
// world (how noisy answers and talk times are), so the threshold is learnt, not set:
//   - each live answer that reached an agent raises it a little, each drop lowers it a lot,
//     in the ratio that balances exactly when drops / answers equals the target (a share of
//     maxLostRate): a stochastic approximation that settles where the recent abandon rate is
//     the target. In log space this is the drop budget itself: log(threshold) moves by `gain`
//     times (target x answers - drops);
//   - on top of that, when fewer than one drop is left to spare before the run's measured rate
//     reaches maxLostRate, the threshold shrinks with what is left (to nothing at the limit, where
//     the pacer's hard cap takes over anyway). Early in a run, with few answers counted, that is
//     what keeps a single unlucky drop from tripping the cap.

import type { PacingOptions } from './options.ts';
import type { PacingEstimates } from './types.ts';

export interface RiskThresholdOptions {
  initial: number;
  min: number;
  max: number;
  /** Step size in log space: how far one drop moves the threshold. */
  gain: number;
}

export const DEFAULT_RISK_THRESHOLD: RiskThresholdOptions = {
  // Start cautious: a drop early in the run weighs heavily on the run's rate (few answers yet),
  // and tripping the hard cap costs far more than a slow start (docs/pds.md, "Tuning").
  initial: 0.01,
  min: 0.001,
  max: 0.6,
  gain: 0.3,
};

export class RiskThreshold {
  #logThreshold: number;
  #seenConnected = 0;
  #seenDrops = 0;
  readonly #target: number;
  readonly #limit: number;
  readonly #settings: RiskThresholdOptions;

  constructor(options: PacingOptions, settings: RiskThresholdOptions = DEFAULT_RISK_THRESHOLD) {
    this.#settings = settings;
    this.#logThreshold = Math.log(settings.initial);
    this.#limit = options.maxLostRate;
    this.#target = options.maxLostRate * options.targetShareOfLimit;
  }

  /** The threshold for a decision now, after learning from the outcomes since the last one. */
  current(estimates: PacingEstimates): number {
    const { gain, min, max } = this.#settings;
    const newConnected = estimates.connected - this.#seenConnected;
    const newDrops = estimates.drops - this.#seenDrops;
    this.#seenConnected = estimates.connected;
    this.#seenDrops = estimates.drops;
    this.#logThreshold += gain * (newConnected * this.#target - newDrops * (1 - this.#target));
    this.#logThreshold = Math.min(Math.log(max), Math.max(Math.log(min), this.#logThreshold));

    // Drops still to spare before the run's rate reaches maxLostRate: under one, the next drop
    // would trip the hard cap, so the threshold shrinks with what is left.
    const answered = estimates.connected + estimates.drops;
    const spare = this.#limit * answered - estimates.drops;
    return Math.exp(this.#logThreshold) * Math.min(1, Math.max(0, spare));
  }
}
