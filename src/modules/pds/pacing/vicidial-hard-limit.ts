// A baseline after VICIdial's documented ADAPT_HARD_LIMIT dial method, written from its help text
// (the campaign settings page of the VICIdial admin), not from its code. What we took from it:
//   - The campaign has a dial level: lines per active agent. The dialer keeps
//     (active agents x dial level) calls going, counting calls still ringing, calls waiting for an
//     agent and calls with an agent; "active" agents are those ready or on a call (agents in
//     after-call work are paused and not counted: "Available Only Tally" off, its default).
//   - In the ADAPT methods only the dialer sets the dial level; it is recomputed periodically
//     (every 15 s here) from the drop percentage of the day (here: of the run).
//   - HARD_LIMIT dials predictively up to the drop percentage limit (3 % here) and, once the
//     limit is reached, does not dial aggressively (dial level 1.0) until the percentage goes
//     down again.
//   - The level never exceeds the "Maximum Adapt Dial Level" (default 3.0) nor goes under 1.0.
//   - Under the limit the level is adapted towards the "dial level difference target" (default 0):
//     no agents waiting for calls and no calls waiting for agents. We raise the level by the
//     average share of active agents that waited since the last adaptation, and lower it by the
//     share of calls that waited; the "intensity modifier" (default 0) scales the raise up and the
//     drop down for positive values and the other way for negative ones.
//   - "Auto Dial Level Threshold": below a number of agents the level goes to 1.0.
// The step size is our choice; the help text gives none.

import type { Clock } from '../../../shared/clock.ts';
import type { PacingOptions } from './options.ts';
import { readyAgents, workingAgents } from './progressive.ts';
import type { Pacer, PacingEstimates, PacingState } from './types.ts';

export interface VicidialOptions {
  adaptIntervalMs: number;
  maxDialLevel: number;
  initialDialLevel: number;
  /** VICIdial's "Adapt Intensity Modifier"; 0 is neutral. */
  intensity: number;
  /** VICIdial's "Dial Level Difference Target": -1 aims at one agent waiting on average. */
  differenceTarget: number;
  /** Share of the measured difference applied per adaptation (ours; tuned in docs/pds.md). */
  stepGain: number;
}

export const DEFAULT_VICIDIAL_OPTIONS: VicidialOptions = {
  adaptIntervalMs: 15_000,
  maxDialLevel: 3.0,
  initialDialLevel: 1.0,
  intensity: 0,
  differenceTarget: 0,
  stepGain: 0.01,
};

export class VicidialHardLimitPacer implements Pacer {
  readonly mode = 'vicidial-hard-limit' as const;
  readonly #clock: Clock;
  readonly #options: PacingOptions;
  readonly #vicidial: VicidialOptions;
  #dialLevel: number;
  #lastAdaptAt: number | null = null;
  #lastSampleAt: number | null = null;
  /** Time-weighted sums since the last adaptation: agents waiting, calls waiting, active agents. */
  #waitingAgentsMs = 0;
  #waitingCallsMs = 0;
  #activeAgentsMs = 0;
  #sampledMs = 0;

  constructor(clock: Clock, options: PacingOptions, vicidial: Partial<VicidialOptions> = {}) {
    this.#clock = clock;
    this.#options = options;
    this.#vicidial = { ...DEFAULT_VICIDIAL_OPTIONS, ...vicidial };
    this.#dialLevel = this.#vicidial.initialDialLevel;
  }

  get dialLevel(): number {
    return this.#dialLevel;
  }

  linesToDial(state: PacingState, estimates: PacingEstimates): number {
    const now = this.#clock.now().getTime();
    const ready = readyAgents(state);
    const talking = state.agents.filter((agent) => agent.state === 'talking').length;
    const active = ready + talking;
    this.#sample(now, ready, state.waitingCalls, active);
    this.#lastAdaptAt ??= now;
    if (now - this.#lastAdaptAt >= this.#vicidial.adaptIntervalMs) {
      this.#adapt(estimates);
      this.#lastAdaptAt = now;
    }
    const level = workingAgents(state) < this.#options.smallPoolThreshold ? 1.0 : this.#dialLevel;
    const goal = Math.round(active * level);
    const inProgress = state.lines.length + state.waitingCalls + talking;
    return Math.max(0, goal - inProgress);
  }

  #sample(now: number, waitingAgents: number, waitingCalls: number, active: number): void {
    if (this.#lastSampleAt !== null) {
      const span = now - this.#lastSampleAt;
      this.#waitingAgentsMs += span * waitingAgents;
      this.#waitingCallsMs += span * waitingCalls;
      this.#activeAgentsMs += span * active;
      this.#sampledMs += span;
    }
    this.#lastSampleAt = now;
  }

  #adapt(estimates: PacingEstimates): void {
    const { maxDialLevel, intensity, differenceTarget, stepGain } = this.#vicidial;
    if (estimates.abandonRate >= this.#options.maxLostRate) {
      this.#dialLevel = 1.0;
    } else if (this.#activeAgentsMs > 0) {
      // Agents that waited minus calls that waited, net of the target, per active agent (the
      // time-weighted averages share one span, which cancels out).
      const difference =
        (this.#waitingAgentsMs - this.#waitingCallsMs + differenceTarget * this.#sampledMs) /
        this.#activeAgentsMs;
      const step = difference > 0 ? 1 + intensity / 10 : 1 - intensity / 10;
      this.#dialLevel += stepGain * difference * Math.max(0.1, step);
      this.#dialLevel = Math.min(maxDialLevel, Math.max(1.0, this.#dialLevel));
    }
    this.#waitingAgentsMs = 0;
    this.#waitingCallsMs = 0;
    this.#activeAgentsMs = 0;
    this.#sampledMs = 0;
  }
}
