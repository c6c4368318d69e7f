// Shared situations for the pacing tests: a clock, agents in given states, and an estimator that
// has already learnt a world (so the predictive pacer is past its priors).

import { ManualClock } from '../../src/shared/clock.ts';
import { pacingOptions, type PacingOptions } from '../../src/modules/pds/pacing/options.ts';
import { PacingEstimator } from '../../src/modules/pds/pacing/pacing-estimator.ts';
import type {
  AgentView,
  PacingEstimates,
  PacingState,
} from '../../src/modules/pds/pacing/types.ts';

export const T0 = Date.parse('2026-06-01T09:00:00Z');

export function clockAt(ms = T0): ManualClock {
  return new ManualClock(new Date(ms));
}

export const options: PacingOptions = pacingOptions();

export function agents(spec: {
  ready?: number;
  /** Talking agents, each since `talkingFor` ms before T0. */
  talking?: number;
  talkingFor?: number;
  /** Agents in wrap-up ending `wrapEndsIn` ms after T0. */
  wrapUp?: number;
  wrapEndsIn?: number;
  onBreak?: number;
}): AgentView[] {
  const list: AgentView[] = [];
  for (let i = 0; i < (spec.ready ?? 0); i += 1) list.push({ state: 'ready', since: T0 - 1_000 });
  for (let i = 0; i < (spec.talking ?? 0); i += 1) {
    list.push({ state: 'talking', since: T0 - (spec.talkingFor ?? 0) });
  }
  for (let i = 0; i < (spec.wrapUp ?? 0); i += 1) {
    const until = T0 + (spec.wrapEndsIn ?? 5_000);
    list.push({ state: 'wrap-up', since: until - options.acwTimeMs, until });
  }
  for (let i = 0; i < (spec.onBreak ?? 0); i += 1) list.push({ state: 'break', since: T0 - 1_000 });
  return list;
}

export function state(agentList: AgentView[], lines = 0, waitingCalls = 0): PacingState {
  return {
    agents: agentList,
    lines: Array.from({ length: lines }, () => ({ dialledAt: T0 })),
    waitingCalls,
  };
}

/**
 * Estimates after 1,000 lines of a world where `answerRate` of lines reach a person after 5-11 s,
 * the rest ring 25 s, talk lasts 100-260 s, wrap-up 15 s; then `connected` and `drops` answers
 * (by default 500 and 10: 2 %, under the 3 % limit with drops to spare).
 */
export function learnt(spec: {
  answerRate: number;
  connected?: number;
  drops?: number;
}): PacingEstimates {
  const estimator = new PacingEstimator(options);
  const every = Math.round(1 / spec.answerRate);
  for (let i = 0; i < 1_000; i += 1) {
    const live = i % every === 0;
    const ringMs = live ? 5_000 + (i % 7) * 1_000 : 25_000;
    estimator.observe({
      kind: 'line-ended',
      at: T0 - 60_000 + ringMs,
      dialledAt: T0 - 60_000,
      live,
    });
  }
  for (let i = 0; i < 300; i += 1) {
    estimator.observe({ kind: 'talk-ended', at: T0, talkMs: 100_000 + (i % 17) * 10_000 });
    estimator.observe({ kind: 'wrap-ended', at: T0, wrapMs: 15_000 });
  }
  for (let i = 0; i < (spec.connected ?? 500); i += 1)
    estimator.observe({ kind: 'connected', at: T0 });
  for (let i = 0; i < (spec.drops ?? 10); i += 1) estimator.observe({ kind: 'dropped', at: T0 });
  return estimator.estimates();
}
