import { createHash } from 'node:crypto';
import type {
  CallControl,
  CallControlCapabilities,
  Connect,
  LegListener,
  OriginateRequest,
} from '../call-control.ts';
import type { DialForecast, DialForecaster } from '../forecast.ts';
import {
  amdVerdict,
  type ConnectOutcome,
  connectOutcome,
  personaFor,
  SimulatedCallee,
} from './personas.ts';
import { SimulatedLeg, type SimulatedTime } from './simulated-leg.ts';
import { appendLedgerLine, readLedgerLines } from '../../../shared/ledger-file.ts';

export interface LedgerEntry {
  callId: string;
  to: string;
  attempt: number;
  at: Date;
}

const CAPABILITIES: CallControlCapabilities = {
  playsText: true,
  recognisesSpeech: true,
  audioFrames: false,
  recording: 'segments',
  bridging: true,
};

/**
 * Call control that exists only in this process: the dialled number picks the persona who
 * answers (see personas.ts and docs/simulator.md), durations are realistic and divided by
 * TILLER_TIME_SCALE. It keeps its own ledger of every call it placed, independent of the
 * database, so tests can prove that no attempt was dialled twice. Being a known world, it can
 * also forecast a dial without placing it (`preview`, for a plan's dry run).
 */
export class SimulatedCallControl implements CallControl, DialForecaster {
  readonly capabilities = CAPABILITIES;
  readonly ledger: LedgerEntry[] = [];
  readonly #seen = new Set<string>();
  readonly #dialsOf = new Map<string, number>();
  readonly #time: SimulatedTime;
  readonly #ledgerFile: string | undefined;

  /**
   * `ledgerFile`: also append every dial to this file (one JSON line, written before the call
   * goes on), so the ledger outlives the process: a crash test reads it after `kill -9`. The
   * file's earlier lines count for the late answerers, as if this adapter had dialled them.
   */
  constructor(options: { timeScale: number; talkScale?: number; ledgerFile?: string }) {
    this.#time = { timeScale: options.timeScale, talkScale: options.talkScale ?? 1 };
    this.#ledgerFile = options.ledgerFile;
    if (this.#ledgerFile) {
      for (const entry of readLedgerFile(this.#ledgerFile)) {
        this.#seen.add(entry.callId);
        this.#dialsOf.set(entry.to, (this.#dialsOf.get(entry.to) ?? 0) + 1);
      }
    }
  }

  async originate(request: OriginateRequest, events?: LegListener): Promise<Connect> {
    const { callId } = request;
    if (this.#seen.has(callId)) {
      throw new Error(`call ${callId} was already dialled`);
    }
    this.#seen.add(callId);
    const entry = { callId, to: request.to, attempt: request.attempt, at: new Date() };
    if (this.#ledgerFile) appendLedgerLine(this.#ledgerFile, entry);
    this.ledger.push(entry);
    const choice = personaFor(request.to, request.simulatedPersona);
    // A person answers "from the second call on" whatever task or round calls them: count this
    // number's dials in the ledger, not the attempt number of one task.
    const dials = this.#dialsOf.get(request.to) ?? 0;
    this.#dialsOf.set(request.to, dials + 1);
    const outcome = connectOutcome(choice, dials + 1);
    const ringSeconds = ringSecondsFor(request.to, dials + 1, outcome);
    events?.({ type: 'ringing', callId });
    await this.#wait(ringSeconds);
    if (outcome !== 'answered') {
      events?.({ type: 'hangup', callId, cause: outcome });
      return { outcome, ringSeconds };
    }
    const leg = new SimulatedLeg(this.#time, callId, new SimulatedCallee(choice), events);
    if (events) {
      events({ type: 'answered', callId, ringSeconds });
      events({ type: 'amd', callId, verdict: amdVerdict(choice) });
    }
    return { outcome, ringSeconds, leg };
  }

  preview(to: string, ahead: number, persona?: string): DialForecast {
    const choice = personaFor(to, persona);
    const outcome = connectOutcome(choice, (this.#dialsOf.get(to) ?? 0) + ahead + 1);
    return outcome === 'answered'
      ? { outcome, ringSeconds: 0, callee: new SimulatedCallee(choice) }
      : { outcome, ringSeconds: 0 };
  }

  #wait(seconds: number): Promise<void> {
    const ms = (seconds * 1000) / this.#time.timeScale;
    // Unref'd: a call still ringing in this world must not keep a stopped process up.
    return ms < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}

function ringSecondsFor(number: string, attempt: number, outcome: ConnectOutcome): number {
  switch (outcome) {
    case 'no_answer':
      return 30;
    case 'busy':
      return 1;
    case 'invalid':
      return 0;
    case 'answered':
      return 2 + (hash(`${number}#${attempt}`) % 7);
  }
}

function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** The dials a ledger file holds, in order (an absent file holds none). */
export function readLedgerFile(file: string): LedgerEntry[] {
  return readLedgerLines<LedgerEntry>(file);
}
