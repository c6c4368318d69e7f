import type { InboundEvent } from '../../channels/messaging/messaging-channel.ts';
import type { Clock } from '../../shared/clock.ts';
import { KeyedBatcher } from '../../shared/keyed-batcher.ts';
import { withSavepoint, type Db } from '../../store/db.ts';
import type { ChannelRecord } from './channels.repository.ts';
import { applyStatuses, type StatusEvent } from './inbound.ts';
import { enqueueInbound } from './messaging.jobs.ts';

// What push-style adapters (SMPP, the simulator) hand over, event by event, taken in batches
// (docs/messaging.md, "Inbound"): the events of one channel that arrive while its previous batch
// is being written go together in one transaction. Statuses are applied at once, as a webhook's
// statuses-only body is; anything else becomes a messaging.inbound job of its own, as before. A
// status that overtook its send's outcome here (the provider answered the send, then pushed the
// status before this process's sender wrote that answer) waits for that write instead of a job.

/** How long statuses that arrived before their send's outcome was written wait to be applied. */
export const EARLY_STATUS_WAIT_MS = 500;

export interface PushedIntakeDeps {
  db: Db;
  clock: Clock;
  /** Resolves once this process's senders wrote the outcomes of the sends they finished. */
  outcomesWritten: () => Promise<void>;
}

interface Pushed {
  channel: ChannelRecord;
  event: InboundEvent;
}

export class PushedIntake {
  readonly #d: PushedIntakeDeps;
  readonly #batches: KeyedBatcher<Pushed>;

  constructor(deps: PushedIntakeDeps) {
    this.#d = deps;
    this.#batches = new KeyedBatcher((_, items) =>
      // The newest row of the channel: a changed row built a new adapter, whose events come last.
      this.#take(
        items.at(-1)!.channel,
        items.map((i) => i.event),
      ),
    );
  }

  /** Resolves once the events are stored (applied, or kept for a job): the adapter may go on. */
  async receive(channel: ChannelRecord, events: readonly InboundEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) => this.#batches.add(String(channel.pk), { channel, event })),
    );
  }

  async #take(channel: ChannelRecord, events: InboundEvent[]): Promise<void> {
    const { db, clock } = this.#d;
    const statuses = events.filter((e): e is StatusEvent => e.kind === 'status');
    let early = await db.transaction(async (tx) => {
      const now = clock.now();
      for (const event of events)
        if (event.kind !== 'status') await enqueueInbound(tx, channel, { events: [event] }, now);
      if (statuses.length === 0) return [];
      try {
        return await withSavepoint(tx, () => applyStatuses(tx, channel, statuses, now));
      } catch {
        // Whatever failed is tried again by the job, with its retries and its log.
        await enqueueInbound(tx, channel, { events: statuses }, now);
        return [];
      }
    });
    if (early.length === 0) return;
    await this.#d.outcomesWritten();
    early = await db.transaction((tx) => applyStatuses(tx, channel, early, clock.now()));
    if (early.length === 0) return;
    // Sent by another process (or its outcome not written yet there): the job tries again.
    await db.transaction((tx) => {
      const now = clock.now();
      return enqueueInbound(
        tx,
        channel,
        { events: early },
        now,
        new Date(now.getTime() + EARLY_STATUS_WAIT_MS),
      );
    });
  }
}
