// Progressive (and preview) pacing: one line per ready agent that no line in progress, and no
// answered call waiting, already covers. Never a drop unless an agent leaves mid-ring; the cost is
// every agent waiting through each unanswered ring.

import type { Pacer, PacingMode, PacingState } from './types.ts';

export function readyAgents(state: PacingState): number {
  return state.agents.filter((agent) => agent.state === 'ready').length;
}

/** Agents logged in and not on break: the pool the small-pool threshold counts. */
export function workingAgents(state: PacingState): number {
  return state.agents.filter((agent) => agent.state !== 'break').length;
}

export function progressiveLines(state: PacingState): number {
  return Math.max(0, readyAgents(state) - state.lines.length - state.waitingCalls);
}

export class ProgressivePacer implements Pacer {
  readonly mode: PacingMode;
  constructor(mode: 'progressive' | 'preview' = 'progressive') {
    this.mode = mode;
  }
  linesToDial(state: PacingState): number {
    return progressiveLines(state);
  }
}
