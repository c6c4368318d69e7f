// How much drop risk the predictive pacer accepts for one more line (docs/pds.md, "The
// threshold"). The forecast gives each extra line's chance of being dropped; lines are dialled
// while that chance stays under this threshold. The abandon rate that results depends on the
// world (how noisy answers and talk times are), so the threshold is learnt, not set:
//   - each live answer that reached an agent raises it a little, each drop lowers it a lot, in
//     the ratio that balances exactly when drops / answers equals the aim: a stochastic
//     approximation that settles where the recent abandon rate is the aim;
//   - the aim is the goal (a share of maxLostRate) plus the run's unspent drop budget spread over
//     the next `catchUpAnswers` answers, never above maxLostRate. Without it the threshold only
//     follows the recent rate, and the drops it went without while it climbed from its cautious
//     start, or during a lucky stretch, are never spent: runs ended up to 0.4 points under the
//     goal. With it, a run that overspent aims lower until it has paid the drops back;
//   - on top of that, when fewer than `marginDrops` drops are left to spare before the run's
//     measured rate reaches maxLostRate, the threshold shrinks with what is left (to nothing at
//     the limit, where the pacer's hard cap takes over anyway): one unlucky burst near the limit
//     would otherwise trip the cap, and the cap's progressive pacing costs far more talk than
//     slowing down a little before it.

import type { PacingOptions } from './options.ts';
import type { PacingEstimates } from './types.ts';

export interface RiskThresholdOptions {
  initial: number;
  min: number;
  max: number;
  /** Step size in log space: how far one drop moves the threshold. */
  gain: number;
  /** The run's unspent (or overspent) drop budget is spread over this many answers to come. */
  catchUpAnswers: number;
  /** The threshold shrinks when fewer drops than this are left before maxLostRate. */
  marginDrops: number;
}

// Chosen by sweeping on seeds 1-5 and 11-20 of the benchmark world (docs/pds.md, "Tuning").
export const DEFAULT_RISK_THRESHOLD: RiskThresholdOptions = {
  // Start cautious: a drop early in the run weighs heavily on the run's rate (few answers yet).
  initial: 0.01,
  min: 0.001,
  max: 0.6,
  gain: 0.5,
  catchUpAnswers: 200,
  marginDrops: 2,
};

export class RiskThreshold {
  #logThreshold: number;
  #seenConnected = 0;
  #seenDrops = 0;
  readonly #goal: number;
  readonly #limit: number;
  readonly #settings: RiskThresholdOptions;

  constructor(options: PacingOptions, settings: Partial<RiskThresholdOptions> = {}) {
    this.#settings = { ...DEFAULT_RISK_THRESHOLD, ...settings };
    this.#logThreshold = Math.log(this.#settings.initial);
    this.#limit = options.maxLostRate;
    this.#goal = options.maxLostRate * options.targetShareOfLimit;
  }

  /**
   * The abandon rate to steer to now: the goal, plus the drops the run could still take (or
   * minus those it took too many) while ending at the goal, spread over the next answers; at
   * most maxLostRate, at least half the goal.
   */
  aim(estimates: Pick<PacingEstimates, 'connected' | 'drops'>): number {
    const answered = estimates.connected + estimates.drops;
    const unspent = this.#goal * answered - estimates.drops;
    const aim = this.#goal + unspent / this.#settings.catchUpAnswers;
    return Math.min(this.#limit, Math.max(this.#goal / 2, aim));
  }

  /** The threshold for a decision now, after learning from the outcomes since the last one. */
  current(estimates: PacingEstimates): number {
    const { gain, min, max, marginDrops } = this.#settings;
    const newConnected = estimates.connected - this.#seenConnected;
    const newDrops = estimates.drops - this.#seenDrops;
    this.#seenConnected = estimates.connected;
    this.#seenDrops = estimates.drops;
    const aim = this.aim(estimates);
    this.#logThreshold += gain * (newConnected * aim - newDrops * (1 - aim));
    this.#logThreshold = Math.min(Math.log(max), Math.max(Math.log(min), this.#logThreshold));

    // Drops still to spare before the run's rate reaches maxLostRate: under the margin, the
    // threshold shrinks with what is left.
    const answered = estimates.connected + estimates.drops;
    const spare = this.#limit * answered - estimates.drops;
    return Math.exp(this.#logThreshold) * Math.min(1, Math.max(0, spare / marginDrops));
  }
}
