// The pacer's view of the world (docs/pds.md). The same types serve the real dialer (later) and
// the simulated world in ./sim: the pacer never reads a database or a timer, only what it is
// given here and the clock it was built with.

import type { EmpiricalDistribution } from './empirical-distribution.ts';

/** An agent logged in to the task's group, as the pacer sees it. Times are epoch milliseconds. */
export type AgentView =
  | { state: 'ready'; since: number }
  | { state: 'talking'; since: number }
  /** After-call work; `until` is when it ends at the latest (the task's acwTime). */
  | { state: 'wrap-up'; since: number; until: number }
  /** Logged in but not taking calls; counts for nothing. */
  | { state: 'break'; since: number };

/** A line the dialer placed that has neither reached a live person nor ended yet. */
export interface LineView {
  dialledAt: number;
}

/** Live state at the moment of a pacing decision. */
export interface PacingState {
  agents: readonly AgentView[];
  lines: readonly LineView[];
  /** Calls answered by a live person, waiting (at most the connect limit) for a free agent. */
  waitingCalls: number;
}

/** What the estimator has learnt so far (./pacing-estimator.ts). */
export interface PacingEstimates {
  /** Share of dialled lines that reach a live person (before the ring limit). */
  answerRate: number;
  /** Exponentially weighted means, in ms. */
  meanTimeToAnswerMs: number;
  meanTalkMs: number;
  meanWrapMs: number;
  /** Average handle time: talk plus wrap-up. */
  ahtMs: number;
  /** Dial to live answer, for lines a person answered. */
  timeToAnswer: EmpiricalDistribution;
  /** Dial to the end of a line nobody live answered (no answer, busy, machine). */
  timeToFail: EmpiricalDistribution;
  talkTime: EmpiricalDistribution;
  /** Live answers that reached an agent, and live answers dropped, since the run began. */
  connected: number;
  drops: number;
  /** drops / (drops + connected) over the run: the regulatory window. 0 before any answer. */
  abandonRate: number;
}

/** Outcomes the dialer reports; the estimator learns from them. */
export type PacingEvent =
  | { kind: 'line-ended'; at: number; dialledAt: number; live: boolean }
  | { kind: 'connected'; at: number }
  | { kind: 'dropped'; at: number }
  | { kind: 'talk-ended'; at: number; talkMs: number }
  | { kind: 'wrap-ended'; at: number; wrapMs: number };

export type PacingMode = 'progressive' | 'preview' | 'predictive' | 'vicidial-hard-limit';

/** A pacing policy: how many new lines to dial now. Implementations read time from their clock. */
export interface Pacer {
  readonly mode: PacingMode;
  linesToDial(state: PacingState, estimates: PacingEstimates): number;
}
