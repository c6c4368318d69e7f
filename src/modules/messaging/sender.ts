import type {
  MessagingChannel,
  OutboundContent,
} from '../../channels/messaging/messaging-channel.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Db, Tx } from '../../store/db.ts';
import { ChannelPacer } from './channel-pacer.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import {
  channelsByPk,
  pushChannels,
  setNextSendAt,
  takeSendSlots,
  type ChannelRecord,
} from './channels.repository.ts';
import { messagesByIds, type MessageRecord } from './messages.repository.ts';
import {
  claimDue,
  dueChannels,
  reclaimSending,
  releaseSending,
  writeOutcomes,
  type SendOutcome,
} from './send-queue.repository.ts';
import { checkClaimed } from './send-compliance.ts';
import { statusesChanged } from './status-changes.ts';
import { failureOutcome, OutcomeWriter, type PendingOutcome } from './send-outcomes.ts';

// The sender loop (docs/messaging.md, "Sending"): any number of processes claim due messages in
// the database per channel, each claim taking slots on the channel's shared pace; the messages
// go out at their slots through the channel's adapter, many HTTP requests at once, and their
// outcomes are written back in batches (one statement and one transaction per batch, with the
// status events and callbacks they cause).

export const MESSAGING_NOTIFY = 'tiller_messaging';

/** Channels claimed at once by one sender. */
const CLAIM_CONCURRENCY = 4;

export interface SenderOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  registry: ChannelRegistry;
  workerId: string;
  /** A channel by its row id, from a cache (a NOTIFY names the channel of a free-form reply). */
  channelOf?: (pk: number) => Promise<ChannelRecord | undefined>;
  /** Fallback poll when no wake-up arrives (default 200 ms). */
  pollMs?: number;
  /** How far ahead a claim takes slots (default 1 s). */
  horizonMs?: number;
  /** Most messages claimed and not yet settled, over all channels (default 4,000). */
  maxInFlight?: number;
  /** Tries of a message before a retryable error fails it (default 8). */
  maxAttempts?: number;
}

export class MessageSender {
  readonly #o: Required<
    Omit<SenderOptions, 'db' | 'clock' | 'log' | 'registry' | 'workerId' | 'channelOf'>
  > &
    SenderOptions;
  readonly #pacers = new Map<number, { rate: number; pacer: ChannelPacer }>();
  #inFlight = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  /** Channels a NOTIFY named since the last round: claimed without a search for due channels. */
  readonly #hinted = new Set<number>();
  /** The next round searches every channel (a poll, a NOTIFY naming none, more left behind). */
  #searchNext = true;
  #unlisten: (() => Promise<void>) | undefined;
  readonly #outcomes: OutcomeWriter;
  #lastConnect = 0;
  #idle: Array<() => void> = [];

  constructor(options: SenderOptions) {
    this.#o = {
      pollMs: 200,
      horizonMs: 1_000,
      maxInFlight: 4_000,
      maxAttempts: 8,
      ...options,
    };
    this.#outcomes = new OutcomeWriter(options.db, options.log);
  }

  /** Claims of workers that are gone go back to the queue (WorkerRegistry reclaimer). */
  readonly reclaim = (tx: Tx) => reclaimSending(tx);

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#unlisten = await this.#o.db.listen(MESSAGING_NOTIFY, (payload) => {
      const pk = Number(payload);
      this.wake(payload !== '' && Number.isInteger(pk) ? pk : undefined);
    });
    this.#loop = this.#run();
  }

  /** Claims again now: the named channel only, or (none named) every channel with due messages. */
  wake(channelPk?: number): void {
    if (channelPk === undefined) this.#searchNext = true;
    else this.#hinted.add(channelPk);
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Resolves once the outcomes of the sends that finished so far are written. */
  outcomesWritten(): Promise<void> {
    return this.#outcomes.flush();
  }

  /** Stops claiming, lets sends in flight finish (up to graceMs), writes their outcomes. */
  async stop(graceMs: number): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.wake();
    await this.#loop;
    await this.#unlisten?.().catch(() => {});
    // Messages still waiting for their slot were never sent: back to the queue.
    for (const { pacer } of this.#pacers.values()) this.#inFlight -= pacer.clear();
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    await this.#outcomes.flush();
    await releaseSending(this.#o.db, this.#o.workerId).catch((error: unknown) =>
      this.#o.log.error({ err: error }, 'messaging: releasing claims failed'),
    );
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      this.#woken = false;
      const search = this.#searchNext || !this.#o.channelOf;
      const hinted = [...this.#hinted];
      this.#searchNext = false;
      this.#hinted.clear();
      let more = false;
      try {
        await this.#connectPushChannels();
        more = search ? await this.#claimRound() : await this.#claimHinted(hinted);
        failures = 0;
      } catch (error) {
        this.#o.log.error({ err: error }, 'messaging: claim failed');
        failures += 1;
      }
      if (!this.#running) break;
      const pause =
        failures > 0
          ? Math.min(5_000, this.#o.pollMs * 2 ** failures)
          : more
            ? Math.max(5, this.#o.horizonMs / 4)
            : this.#o.pollMs;
      // Woken by a channel's NOTIFY, the next round claims that channel only; a poll searches.
      if (!(await this.#sleep(pause)) || more || failures > 0) this.#searchNext = true;
    }
  }

  /** Claims the channels a NOTIFY named; true when one may have more due. */
  async #claimHinted(pks: number[]): Promise<boolean> {
    const now = this.#o.clock.now();
    let more = false;
    for (const pk of pks) {
      const channel = await this.#o.channelOf!(pk);
      if (channel && this.#running && (await this.#claimChannel(channel, now))) more = true;
    }
    return more;
  }

  /** Push-style adapters (SMPP, the simulator) must be connected to hear inbound messages. */
  async #connectPushChannels(): Promise<void> {
    if (Date.now() - this.#lastConnect < 2_000) return;
    this.#lastConnect = Date.now();
    for (const channel of await pushChannels(this.#o.db)) this.#o.registry.adapterOf(channel);
  }

  /** One claim per channel with due messages; true when a channel may have more due. */
  async #claimRound(): Promise<boolean> {
    const now = this.#o.clock.now();
    const pks = await dueChannels(this.#o.db, now);
    if (pks.length === 0) return false;
    const channels = await channelsByPk(this.#o.db, pks);
    // A few channels at once: each claim is a handful of round trips, mostly waiting.
    const queue = [...channels.values()];
    let more = false;
    const worker = async () => {
      for (let channel = queue.shift(); channel && this.#running; channel = queue.shift()) {
        if (await this.#claimChannel(channel, now)) more = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CLAIM_CONCURRENCY, queue.length) }, worker));
    return more;
  }

  async #claimChannel(channel: ChannelRecord, now: Date): Promise<boolean> {
    const room = this.#o.maxInFlight - this.#inFlight;
    if (room <= 0) return true;
    const adapter = this.#o.registry.adapterOf(channel);
    const rate = this.#o.registry.rateOf(channel);
    const gapMs = 1000 / rate;
    const claim = await this.#o.db.transaction(async (tx) => {
      const slots = await takeSendSlots(
        tx,
        channel.pk,
        new Date(),
        this.#o.horizonMs,
        rate,
        Math.min(room, 1_000),
      );
      if (!slots) return undefined;
      const claimed = await claimDue(tx, channel.pk, now, slots.count, this.#o.workerId);
      if (claimed.length === 0) return undefined;
      const verdicts = await checkClaimed(tx, channel, claimed, now);
      const send: MessageRecord[] = [];
      const settled: SendOutcome[] = [];
      for (const m of claimed) {
        const v = verdicts.get(m.id)!;
        if (v.kind === 'send') send.push(m);
        else if (v.kind === 'hold')
          settled.push({
            id: m.id,
            status: 'queued',
            at: now,
            nextAttemptAt: v.until,
            attempted: false,
          });
        else
          settled.push({
            id: m.id,
            status: 'failed',
            at: now,
            errorCode: 'contact_blocked',
            errorMessage:
              v.reason === 'dnc' ? 'the number is on the do-not-call list' : 'the person opted out',
            attempted: false,
          });
      }
      if (settled.length > 0)
        await statusesChanged(tx, await writeOutcomes(tx, settled), this.#o.clock.now(), channel);
      if (send.length > 0) {
        await setNextSendAt(tx, channel.pk, new Date(slots.first.getTime() + send.length * gapMs));
      }
      const quoted = send.flatMap((m) => (m.replyTo ? [m.replyTo] : []));
      const replyIds = new Map(
        (await messagesByIds(tx, channel.appId, quoted)).map((q) => [q.id, q.providerMessageId]),
      );
      return { send, first: slots.first, replyIds, full: claimed.length === slots.count };
    });
    if (!claim) return false;
    const pacer = this.#pacerOf(channel.pk, rate);
    claim.send.forEach((m, i) => {
      this.#inFlight += 1;
      const replyTo = m.replyTo ? (claim.replyIds.get(m.replyTo) ?? undefined) : undefined;
      pacer.push(new Date(claim.first.getTime() + i * gapMs), () => {
        void this.#sendOne(channel, adapter, m, replyTo);
      });
    });
    return claim.full;
  }

  #pacerOf(pk: number, rate: number): ChannelPacer {
    const known = this.#pacers.get(pk);
    if (known && known.rate === rate) return known.pacer;
    const pacer = new ChannelPacer(rate);
    this.#pacers.set(pk, { rate, pacer });
    return pacer;
  }

  async #sendOne(
    channel: ChannelRecord,
    adapter: MessagingChannel,
    m: MessageRecord,
    replyTo: string | undefined,
  ): Promise<void> {
    let outcome: PendingOutcome;
    try {
      const receipt = await adapter.send({
        from: senderAddress(channel),
        to: `+${m.userId}`,
        content: m.content as unknown as OutboundContent,
        ...(replyTo ? { replyTo } : {}),
        idempotencyKey: m.id,
      });
      outcome = {
        id: m.id,
        status: 'sent',
        providerMessageId: receipt.providerMessageId,
        at: this.#o.clock.now(),
        attempted: true,
      };
    } catch (error) {
      outcome = failureOutcome(m, error, this.#o.clock.now(), this.#o.maxAttempts);
    }
    this.#inFlight -= 1;
    if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    this.#outcomes.add(outcome);
  }

  /** Sleeps up to `ms`; true when woken before that, false when the time ran out. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#woken) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve(woken);
      };
      this.#wakeUp = () => done(true);
    });
  }
}

/** Our sender as the adapter wants it: WhatsApp's phone number id, else the number itself. */
export function senderAddress(channel: ChannelRecord): string {
  const id = channel.config.phoneNumberId;
  return channel.kind === 'whatsapp' && typeof id === 'string' ? id : channel.phoneNumber;
}
