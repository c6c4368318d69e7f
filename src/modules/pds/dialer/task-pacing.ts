import type { Clock } from '../../../shared/clock.ts';
import type { Agent } from '../../agents/agents.service.ts';
import { createPacer } from '../pacing/create-pacer.ts';
import { pacingOptions, type PacingOptions } from '../pacing/options.ts';
import { PacingEstimator } from '../pacing/pacing-estimator.ts';
import { workingAgents } from '../pacing/progressive.ts';
import type { AgentView, LineView, Pacer, PacingEvent } from '../pacing/types.ts';
import type { PdsSettings } from '../pds-settings.ts';
import type { CallPds } from './pds-calls.repository.ts';

// One PDS task's pacing in this process: its pacer (src/modules/pds/pacing, used through
// createPacer) and the estimator that learns from the task's own calls. The estimator starts from
// the priors and, the first time this process sees the task, from the task's finished calls
// (docs/pds-dialer.md, "Pacing").

/** Lines a single decision opens at most: a burst is spread over the next ticks. */
const MAX_LINES_PER_DECISION = 50;

export class TaskPacing {
  readonly estimator: PacingEstimator;
  readonly #pacer: Pacer;
  readonly #settings: PdsSettings;

  constructor(settings: PdsSettings, groupAcwSeconds: number, clock: Clock) {
    this.#settings = settings;
    const options = pacingOptionsOf(settings, groupAcwSeconds);
    this.estimator = new PacingEstimator(options);
    this.#pacer = createPacer(settings.dialingMode, clock, options);
  }

  observe(event: PacingEvent): void {
    this.estimator.observe(event);
  }

  /** New lines to open now, given the group's agents, the task's lines and its waiting calls. */
  linesToDial(agents: readonly AgentView[], lines: readonly LineView[], waiting: number): number {
    const state = { agents, lines, waitingCalls: waiting };
    const { dialingMode, autoSlotFactor, slotFactor } = this.#settings;
    // A fixed ratio (autoSlotFactor off): slotFactor lines per working agent, whatever the
    // abandon rate; the predictive pacer adapts its ratio itself.
    const wanted =
      dialingMode === 'predictive' && !autoSlotFactor && slotFactor && slotFactor > 0
        ? Math.floor(slotFactor * workingAgents(state)) - lines.length - waiting
        : this.#pacer.linesToDial(state, this.estimator.estimates());
    return Math.max(0, Math.min(MAX_LINES_PER_DECISION, wanted));
  }

  /** Feeds the estimator what the task's finished calls (oldest first) teach. */
  replay(
    calls: ReadonlyArray<{ started_at: Date; ended_at: Date | null; pds: CallPds | null }>,
  ): void {
    const acwMs = pacingOptionsOf(this.#settings, 0).acwTimeMs;
    for (const call of calls) {
      const dialledAt = call.started_at.getTime();
      const ended = call.ended_at?.getTime() ?? dialledAt;
      const handoff = call.pds?.handoffAt ? Date.parse(call.pds.handoffAt) : undefined;
      if (handoff === undefined) {
        this.observe({ kind: 'line-ended', at: ended, dialledAt, live: false });
        continue;
      }
      this.observe({ kind: 'line-ended', at: handoff, dialledAt, live: true });
      if (call.pds?.abandoned) {
        this.observe({ kind: 'dropped', at: handoff });
      } else if (call.pds?.bridgedAt) {
        const bridged = Date.parse(call.pds.bridgedAt);
        this.observe({ kind: 'connected', at: bridged });
        this.observe({ kind: 'talk-ended', at: ended, talkMs: Math.max(0, ended - bridged) });
        if (acwMs > 0) this.observe({ kind: 'wrap-ended', at: ended + acwMs, wrapMs: acwMs });
      }
    }
  }
}

/** The pacing parameters of a task's settings (docs/pds.md, "Parameters"). */
export function pacingOptionsOf(settings: PdsSettings, groupAcwSeconds: number): PacingOptions {
  // maxLostRate is a percent on the wire; the pacer needs a fraction strictly between 0 and 1.
  const maxLostRate = Math.min(0.5, Math.max(0.001, settings.maxLostRatePercent / 100));
  return pacingOptions({
    maxLostRate,
    connectLimitMs: Math.max(1, settings.connectLimitSeconds) * 1000,
    ringLimitMs: Math.max(1, settings.ringLimitSeconds) * 1000,
    acwTimeMs: (settings.acwSeconds ?? groupAcwSeconds) * 1000,
  });
}

/**
 * The pacer's view of the group's agents: logged in, restricted to `agentNames` when the task
 * names some. A reserved agent is about to talk (the call it holds was answered).
 */
export function agentViews(
  agents: readonly Agent[],
  agentNames: readonly string[],
  groupAcwSeconds: number,
): AgentView[] {
  const named = new Set(agentNames);
  return agents.flatMap((agent): AgentView[] => {
    if (named.size > 0 && !named.has(agent.name)) return [];
    const since = agent.state_since.getTime();
    switch (agent.state) {
      case 'ready':
        return [{ state: 'ready', since }];
      case 'reserved':
      case 'talking':
        return [{ state: 'talking', since }];
      case 'acw':
        return [
          {
            state: 'wrap-up',
            since,
            until: agent.acw_until?.getTime() ?? since + groupAcwSeconds * 1000,
          },
        ];
      case 'break':
        return [{ state: 'break', since }];
      case 'offline':
        return [];
    }
  });
}
