import type { CallLeg } from '../../../channels/telephony/call-control.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { Db } from '../../../store/db.ts';
import type { AgentStateService } from '../../agents/agent-state.service.ts';
import type { ClaimedCall } from '../../dialer/dial-claims.ts';
import type { VoiceDeps } from '../../dialer/voice-call.ts';
import type { PacingEvent } from '../pacing/types.ts';
import type { PdsCallFacts } from '../webhooks/pds-events.ts';
import { Latch } from './business-time.ts';
import type { CallProgressWriter } from './call-progress-writer.ts';
import type { PdsTaskRow } from './pds-calls.repository.ts';

// What one PDS call's driver works with (pds-call.ts, agent-handover.ts): the dialer's services,
// the call as claimed, and the call's state as it moves from dial to end.

export interface PdsDriverDeps extends VoiceDeps {
  db: Db;
  clock: Clock;
  /** TILLER_TIME_SCALE: business milliseconds per real millisecond of a wait. */
  timeScale: number;
  agentStates: AgentStateService;
  progress: CallProgressWriter;
  log: Logger;
}

/** The agent a call holds: reserved for it, then talking on it. */
export interface HeldAgent {
  id: number;
  name: string;
  simulated: boolean;
  talkMedianSeconds: number;
  talkSigma: number;
  /** A simulated agent's median wrap-up; null: it wraps up for the whole acw time. */
  acwMedianSeconds: number | null;
  phase: 'reserved' | 'talking';
}

/** One PDS call in progress, as the dialer and the driver share it. */
export class PdsCallRun {
  readonly call: ClaimedCall;
  readonly task: PdsTaskRow;
  readonly facts: PdsCallFacts;
  /** The task's after-call work, resolved (the task's acwTime, else the group's). */
  readonly acwSeconds: number;
  /** The business clock. */
  readonly clock: Clock;
  /** Aborted when the dialer stops past its grace: the call is cut and ends interrupted. */
  readonly stop: AbortSignal;
  /** Reports to the task's pacer. */
  readonly pacing: { observe(event: PacingEvent): void; waiting(delta: 1 | -1): void };

  /** The agent hung up from the desktop (or left the call another way): end the call. */
  readonly agentHungUp = new Latch();
  /** Our leg to the callee went down. */
  readonly legDown = new Latch();
  leg: CallLeg | undefined;
  /** The ring limit passed first: whatever call control says later is ignored. */
  gaveUp = false;
  answeredAt: Date | undefined;
  handoffAt: Date | undefined;
  bridgedAt: Date | undefined;
  agent: HeldAgent | undefined;
  /** The answering-machine detector said machine. */
  machine = false;
  calleeHungUp = false;
  /** The person left before an agent took the call (during the opening or the wait). */
  calleeLeftEarly = false;
  abandoned = false;
  /** Who ended a bridged call. */
  endedBy: 'agent' | 'callee' | 'system' | undefined;
  talkMs = 0;
  /** The latest progress write (RINGING, ANSWERED): agent events wait for it, to stay in order. */
  written: Promise<void> = Promise.resolve();

  constructor(init: {
    call: ClaimedCall;
    task: PdsTaskRow;
    facts: PdsCallFacts;
    acwSeconds: number;
    clock: Clock;
    stop: AbortSignal;
    pacing: PdsCallRun['pacing'];
  }) {
    this.call = init.call;
    this.task = init.task;
    this.facts = init.facts;
    this.acwSeconds = init.acwSeconds;
    this.clock = init.clock;
    this.stop = init.stop;
    this.pacing = init.pacing;
  }

  get settings() {
    return this.task.pds;
  }
}
