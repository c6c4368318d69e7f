import { KeyedBatcher } from '../../../shared/keyed-batcher.ts';
import type { Db } from '../../../store/db.ts';
import { withRetry } from '../../../store/retry.ts';
import { recordEvents } from '../../webhooks/outbox.ts';
import { contactStatus, type PdsCallFacts } from '../webhooks/pds-events.ts';
import { mergeCallPds } from './pds-calls.repository.ts';

// The progress of calls between their claim and their end: RINGING, and ANSWERED with the answer
// time in calls.pds. A transaction per call and state would cost the dial path two round trips a
// call; the progress of every call that moves in the same instant is written in one transaction
// instead, and batches are written one after another, so a call's RINGING is recorded before its
// ANSWERED (their outbox order is their delivery order).

export interface Progress {
  facts: PdsCallFacts;
  state: 'RINGING' | 'ANSWERED';
  at: Date;
}

export class CallProgressWriter {
  readonly #db: Db;
  readonly #batches: KeyedBatcher<Progress>;

  constructor(db: Db) {
    this.#db = db;
    // One key: batches never overlap, so the outbox order follows the order of add().
    this.#batches = new KeyedBatcher((_key, items) => this.#write(items));
  }

  /** Resolves once written (with every progress added before it). */
  add(progress: Progress): Promise<void> {
    return this.#batches.add('progress', progress);
  }

  async #write(items: Progress[]): Promise<void> {
    await withRetry(() =>
      this.#db.transaction(async (tx) => {
        await mergeCallPds(
          tx,
          items
            .filter((p) => p.state === 'ANSWERED')
            .map((p) => ({ callId: p.facts.callId, pds: { answeredAt: p.at.toISOString() } })),
        );
        await recordEvents(
          tx,
          items.flatMap((p) => contactStatus(p.facts, p.state, p.at)),
        );
      }),
    );
  }
}
