// The predictive pacer's forecast (docs/pds.md, "The forecast"). Time ahead is cut into one-second
// slots up to the longest time to answer seen. For each slot k it holds
//   - answers(k): how many live answers will have arrived by the end of slot k: the calls already
//     waiting plus, for every line in progress, the chance that a person answers it by then given
//     that it has rung `elapsed` without ending;
//   - free(k): how many agents will be free by then plus the connect limit: ready agents, agents
//     whose wrap-up ends by then, and for each talking agent the chance that the rest of the call
//     (given how long it has lasted) plus the wrap-up fits.
// A new line answered in slot k is dropped when the answers before it already take every agent
// free in time, so its risk is P(answers(k) >= free(k)) averaged over when it would be answered.
// Treating every earlier answer as taking an agent (even one that is itself dropped) makes the
// figure slightly pessimistic; the pacer's threshold is tuned on what actually happens anyway.

import { CappedCount } from './capped-count.ts';
import type { PacingOptions } from './options.ts';
import type { PacingEstimates, PacingState } from './types.ts';

const SLOT_MS = 1_000;

export class DropForecast {
  readonly #answers: CappedCount[] = [];
  readonly #free: Float64Array[] = [];
  /** Chance that a line dialled now is answered live by the end of each slot. */
  readonly #newLineAnsweredBy: number[] = [];

  constructor(state: PacingState, estimates: PacingEstimates, now: number, options: PacingOptions) {
    const working = state.agents.filter((agent) => agent.state !== 'break').length;
    const cap = working + 1;
    const slots = Math.max(1, Math.ceil(estimates.timeToAnswer.max() / SLOT_MS));
    const p = estimates.answerRate;
    const { timeToAnswer, timeToFail, talkTime } = estimates;

    // Per line in progress: P(still to be answered live | still ringing after `elapsed`).
    const lines = state.lines.map((line) => {
      const elapsed = Math.max(0, now - line.dialledAt);
      const answeredYet = timeToAnswer.cdf(elapsed);
      const stillRinging = p * (1 - answeredYet) + (1 - p) * timeToFail.survival(elapsed);
      return { elapsed, answeredYet, stillRinging };
    });

    for (let k = 1; k <= slots; k += 1) {
      const horizon = k * SLOT_MS;
      this.#newLineAnsweredBy.push(p * timeToAnswer.cdf(horizon));

      const answers = new CappedCount(cap, state.waitingCalls);
      for (const line of lines) {
        if (line.stillRinging <= 0) continue;
        const answered = timeToAnswer.cdf(line.elapsed + horizon) - line.answeredYet;
        answers.addChance((p * answered) / line.stillRinging);
      }
      this.#answers.push(answers);

      const reach = horizon + options.connectLimitMs;
      const free = new CappedCount(cap);
      let certain = 0;
      for (const agent of state.agents) {
        if (agent.state === 'ready') certain += 1;
        else if (agent.state === 'wrap-up') certain += agent.until <= now + reach ? 1 : 0;
        else if (agent.state === 'talking') {
          free.addChance(talkEndsWithin(now - agent.since, reach - estimates.meanWrapMs));
        }
      }
      this.#free.push(shift(free.probabilities, certain));
    }

    function talkEndsWithin(talked: number, within: number): number {
      if (within <= 0) return 0;
      const beyond = talkTime.survival(talked);
      // A call longer than every sample: assume it ends at the average rate from now on.
      if (beyond <= 0) return Math.min(1, within / estimates.meanTalkMs);
      return (talkTime.cdf(talked + within) - talkTime.cdf(talked)) / beyond;
    }
  }

  /** Share of a new line's live answers that would find no agent in time. */
  marginalDropRisk(): number {
    let risk = 0;
    let previous = 0;
    for (let k = 0; k < this.#answers.length; k += 1) {
      const by = this.#newLineAnsweredBy[k]!;
      const inSlot = by - previous;
      previous = by;
      if (inSlot <= 0) continue;
      const atLeast = this.#answers[k]!.atLeast();
      const free = this.#free[k]!;
      let dropped = 0;
      for (let m = 0; m < free.length; m += 1) dropped += free[m]! * atLeast[m]!;
      risk += inSlot * dropped;
    }
    return previous > 0 ? risk / previous : 0;
  }

  /** Counts a line dialled now among the lines in progress. */
  addLine(): void {
    for (let k = 0; k < this.#answers.length; k += 1) {
      this.#answers[k]!.addChance(this.#newLineAnsweredBy[k]!);
    }
  }
}

/** The distribution of `count + certain`, with the overflow in the last bucket. */
function shift(probabilities: Float64Array, certain: number): Float64Array {
  const shifted = new Float64Array(probabilities.length);
  const last = probabilities.length - 1;
  for (let n = 0; n < probabilities.length; n += 1) {
    const to = Math.min(last, n + certain);
    shifted[to] = shifted[to]! + probabilities[n]!;
  }
  return shifted;
}
