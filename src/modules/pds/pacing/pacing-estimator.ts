// Live estimates for the pacer, learnt from what the dialer reports (docs/pds.md, "Estimates").
// Rates and means are exponentially weighted, so a list whose answer rate changes during the day
// is followed; the duration distributions are sliding windows (./empirical-distribution.ts).
// Both start from priors: a deliberately vague guess, replaced as the first calls end.

import { EmpiricalDistribution, uniformPrior } from './empirical-distribution.ts';
import type { PacingOptions } from './options.ts';
import type { PacingEstimates, PacingEvent } from './types.ts';

/** Weight of one new observation in the exponentially weighted figures. */
const LINE_WEIGHT = 0.01;
const CALL_WEIGHT = 0.05;
const WINDOW = 300;
/** The priors weigh as much as this many observations. */
const PRIOR_SAMPLES = 10;

export class PacingEstimator {
  #answerRate: number;
  #meanTimeToAnswerMs: number;
  #meanTalkMs: number;
  #meanWrapMs: number;
  readonly #timeToAnswer: EmpiricalDistribution;
  readonly #timeToFail: EmpiricalDistribution;
  readonly #talkTime: EmpiricalDistribution;
  #connected = 0;
  #drops = 0;

  constructor(options: PacingOptions) {
    this.#answerRate = options.priorAnswerRate;
    // Priors: people answer anywhere in the first 60 % of the ring limit; lines nobody live
    // answers run to the ring limit; talk spreads evenly around the prior mean.
    const answerPrior = uniformPrior(2_000, options.ringLimitMs * 0.6, PRIOR_SAMPLES);
    this.#timeToAnswer = new EmpiricalDistribution(answerPrior, WINDOW);
    this.#timeToFail = new EmpiricalDistribution(
      Array.from({ length: PRIOR_SAMPLES }, () => options.ringLimitMs),
      WINDOW,
    );
    const talkPrior = uniformPrior(
      options.priorTalkMs * 0.2,
      options.priorTalkMs * 1.8,
      PRIOR_SAMPLES,
    );
    this.#talkTime = new EmpiricalDistribution(talkPrior, WINDOW);
    this.#meanTimeToAnswerMs = this.#timeToAnswer.mean();
    this.#meanTalkMs = options.priorTalkMs;
    this.#meanWrapMs = options.acwTimeMs;
  }

  observe(event: PacingEvent): void {
    switch (event.kind) {
      case 'line-ended': {
        const ringMs = event.at - event.dialledAt;
        this.#answerRate += LINE_WEIGHT * ((event.live ? 1 : 0) - this.#answerRate);
        if (event.live) {
          this.#timeToAnswer.add(ringMs);
          this.#meanTimeToAnswerMs += CALL_WEIGHT * (ringMs - this.#meanTimeToAnswerMs);
        } else {
          this.#timeToFail.add(ringMs);
        }
        break;
      }
      case 'connected':
        this.#connected += 1;
        break;
      case 'dropped':
        this.#drops += 1;
        break;
      case 'talk-ended':
        this.#talkTime.add(event.talkMs);
        this.#meanTalkMs += CALL_WEIGHT * (event.talkMs - this.#meanTalkMs);
        break;
      case 'wrap-ended':
        this.#meanWrapMs += CALL_WEIGHT * (event.wrapMs - this.#meanWrapMs);
        break;
    }
  }

  estimates(): PacingEstimates {
    const answered = this.#connected + this.#drops;
    return {
      answerRate: this.#answerRate,
      meanTimeToAnswerMs: this.#meanTimeToAnswerMs,
      meanTalkMs: this.#meanTalkMs,
      meanWrapMs: this.#meanWrapMs,
      ahtMs: this.#meanTalkMs + this.#meanWrapMs,
      timeToAnswer: this.#timeToAnswer,
      timeToFail: this.#timeToFail,
      talkTime: this.#talkTime,
      connected: this.#connected,
      drops: this.#drops,
      abandonRate: answered === 0 ? 0 : this.#drops / answered,
    };
  }
}
