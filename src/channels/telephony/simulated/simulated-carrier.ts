import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import type { Carrier, Connection, DialRequest } from '../carrier.ts';
import { connectOutcome, personaFor, SimulatedCallee } from './personas.ts';

export interface LedgerEntry {
  callId: string;
  to: string;
  attempt: number;
  at: Date;
}

/**
 * A carrier that exists only in this process: the dialled number picks the persona who answers
 * (see personas.ts and docs/simulator.md), durations are realistic and divided by TILLER_TIME_SCALE. It keeps its
 * own ledger of every dial it received, independent of the database, so tests can prove that
 * no attempt was dialled twice.
 */
export class SimulatedCarrier implements Carrier {
  readonly ledger: LedgerEntry[] = [];
  readonly #seen = new Set<string>();
  readonly #dialsOf = new Map<string, number>();
  readonly #timeScale: number;
  readonly #talkScale: number;
  readonly #ledgerFile: string | undefined;

  /**
   * `ledgerFile`: also append every dial to this file (one JSON line, written before the call
   * goes on), so the ledger outlives the process: a crash test reads it after `kill -9`. The
   * file's earlier lines count for the late answerers, as if this carrier had dialled them.
   */
  constructor(options: { timeScale: number; talkScale?: number; ledgerFile?: string }) {
    this.#timeScale = options.timeScale;
    this.#talkScale = options.talkScale ?? 1;
    this.#ledgerFile = options.ledgerFile;
    if (this.#ledgerFile) {
      for (const entry of readLedgerFile(this.#ledgerFile)) {
        this.#seen.add(entry.callId);
        this.#dialsOf.set(entry.to, (this.#dialsOf.get(entry.to) ?? 0) + 1);
      }
    }
  }

  async dial(request: DialRequest): Promise<Connection> {
    if (this.#seen.has(request.callId)) {
      throw new Error(`call ${request.callId} was already dialled`);
    }
    this.#seen.add(request.callId);
    const entry = {
      callId: request.callId,
      to: request.to,
      attempt: request.attempt,
      at: new Date(),
    };
    if (this.#ledgerFile) appendFileSync(this.#ledgerFile, `${JSON.stringify(entry)}\n`);
    this.ledger.push(entry);
    const choice = personaFor(request.to, request.simulatedPersona);
    // A person answers "from the second call on" whatever task or round calls them: count this
    // number's dials in the ledger, not the attempt number of one task.
    const dials = this.#dialsOf.get(request.to) ?? 0;
    this.#dialsOf.set(request.to, dials + 1);
    const outcome = connectOutcome(choice, dials + 1);
    const ringSeconds = ringSecondsFor(request.to, dials + 1, outcome);
    await this.#wait(ringSeconds);
    return outcome === 'answered'
      ? { outcome, ringSeconds, callee: new SimulatedCallee(choice) }
      : { outcome, ringSeconds };
  }

  preview(to: string, ahead: number, persona?: string): Connection {
    const choice = personaFor(to, persona);
    const outcome = connectOutcome(choice, (this.#dialsOf.get(to) ?? 0) + ahead + 1);
    return outcome === 'answered'
      ? { outcome, ringSeconds: 0, callee: new SimulatedCallee(choice) }
      : { outcome, ringSeconds: 0 };
  }

  async talk(_callId: string, seconds: number): Promise<void> {
    await this.#wait(seconds * this.#talkScale);
  }

  #wait(seconds: number): Promise<void> {
    const ms = (seconds * 1000) / this.#timeScale;
    // Unref'd: a call still ringing or talking in this world must not keep a stopped process up.
    return ms < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}

function ringSecondsFor(number: string, attempt: number, outcome: Connection['outcome']): number {
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as Omit<LedgerEntry, 'at'> & { at: string };
      return { ...raw, at: new Date(raw.at) };
    });
}
