// Tiller's predictive pacer (docs/pds.md, "Predictive pacing"): dial ahead for agents about to be
// free, one line at a time while the forecast's drop risk for the next line stays under a learnt
// threshold. Two guards come first, as in VICIdial: below the small-pool threshold, and whenever
// the run's measured abandon rate is at or over maxLostRate (the hard cap), it paces
// progressively (one line per ready agent) until the rate is under again.

import type { Clock } from '../../../shared/clock.ts';
import { DropForecast } from './drop-forecast.ts';
import type { PacingOptions } from './options.ts';
import { progressiveLines, workingAgents } from './progressive.ts';
import { RiskThreshold, type RiskThresholdOptions } from './risk-threshold.ts';
import type { Pacer, PacingEstimates, PacingState } from './types.ts';

export type PredictiveFallback = 'small-pool' | 'hard-cap' | null;

export class PredictivePacer implements Pacer {
  readonly mode = 'predictive' as const;
  readonly #clock: Clock;
  readonly #options: PacingOptions;
  readonly #threshold: RiskThreshold;
  /** Why the last decision paced progressively, if it did (for tests and the console). */
  lastFallback: PredictiveFallback = null;

  constructor(clock: Clock, options: PacingOptions, threshold?: Partial<RiskThresholdOptions>) {
    this.#clock = clock;
    this.#options = options;
    this.#threshold = new RiskThreshold(options, threshold);
  }

  linesToDial(state: PacingState, estimates: PacingEstimates): number {
    const working = workingAgents(state);
    // Learn from every outcome, also while a guard holds the pace down.
    const threshold = this.#threshold.current(estimates);
    this.lastFallback = null;
    if (working < this.#options.smallPoolThreshold) {
      this.lastFallback = 'small-pool';
      return progressiveLines(state);
    }
    if (estimates.abandonRate >= this.#options.maxLostRate) {
      this.lastFallback = 'hard-cap';
      return progressiveLines(state);
    }
    const room =
      Math.floor(this.#options.maxLinesPerAgent * working) -
      state.lines.length -
      state.waitingCalls;
    if (room <= 0) return 0;
    const forecast = new DropForecast(state, estimates, this.#clock.now().getTime(), this.#options);
    let lines = 0;
    while (lines < room && forecast.marginalDropRisk() <= threshold) {
      forecast.addLine();
      lines += 1;
    }
    return lines;
  }
}
