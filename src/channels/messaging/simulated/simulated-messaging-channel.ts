// The simulated messaging channel: an in-process provider with WhatsApp's capabilities and no
// network. Every send is accepted at once with an id; its statuses (sent, delivered, read)
// follow after scaled delays; the person at the number answers as their persona does
// (messaging-personas.ts, persona-replies.ts). Deterministic: the same sends give the same
// conversation on every run. docs/simulator.md ("Simulated messaging channel") describes it.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../../shared/logger.ts';
import {
  ChannelSendError,
  type ChannelCapabilities,
  type InboundContent,
  type InboundEvent,
  type InboundListener,
  type MessagingChannel,
  type OutboundMessage,
  type SendReceipt,
} from '../messaging-channel.ts';
import {
  appendMessagingLedger,
  readMessagingLedgerFile,
  type MessagingLedgerEntry,
} from './messaging-ledger.ts';
import { messagingPersonaOf } from './messaging-personas.ts';
import {
  newPersonState,
  personaReply,
  type PersonState,
  type TemplateButton,
} from './persona-replies.ts';

/** The buttons of an approved template, when the wiring can look them up (the messaging module). */
export type TemplateButtonsLookup = (template: {
  name: string;
  language: string;
}) => TemplateButton[] | undefined | Promise<TemplateButton[] | undefined>;

export interface SimulatedChannelOptions {
  /** Simulated time runs this many times faster than real time (default 1), as on calls. */
  timeScale?: number;
  /** Sends accepted per simulated second before the throttling answer (default 80, WhatsApp's). */
  sendsPerSecond?: number;
  templateButtons?: TemplateButtonsLookup;
  logger?: Logger;
  /**
   * Also append every accepted send to this file (one JSON line, written before the send is
   * answered), so the ledger outlives the process: the fault tests read it after `kill -9`. The
   * file's earlier sends keep their idempotency keys: a restarted provider refuses them again.
   */
  ledgerFile?: string;
}

export { readMessagingLedgerFile, type MessagingLedgerEntry };

/** What the simulated provider accepted. */
export interface SimulatedSend {
  providerMessageId: string;
  from: string;
  to: string;
  content: OutboundMessage['content'];
  /** The text, for text messages (and a template's name, for reading logs). */
  text?: string;
}

/** Simulated seconds between the steps of a message's life. */
const DELAYS = { sent: 1, delivered: 1, read: 3, failed: 1, reply: 2, replyPerChar: 0.05 };
/** WhatsApp's "undeliverable" (not on WhatsApp, old app...): what an unreachable number gets. */
const UNDELIVERABLE = { code: '131026', message: 'Message undeliverable (simulated)' };
/** A throttled send: WhatsApp's throughput error, with the wait it implies. */
const THROTTLED = '130429';
/** How many times an inbound event is handed again to a listener that failed (as a webhook is). */
const LISTENER_TRIES = 5;
/** The most sends, reads and idempotency keys remembered (the oldest are forgotten first). */
const RECORD_LIMIT = 100_000;

const CAPABILITIES: ChannelCapabilities = {
  templates: true,
  interactive: true,
  media: true,
  readReceipts: true,
  defaultSendsPerSecond: 80,
};

export class SimulatedChannel implements MessagingChannel {
  readonly kind = 'simulated';
  readonly capabilities: ChannelCapabilities;
  /** The sends accepted, oldest first (the last RECORD_LIMIT). */
  readonly sent: SimulatedSend[] = [];
  /** The provider ids of people's messages we marked read, oldest first. */
  readonly readMarked: string[] = [];
  /** Every send accepted, as the ledger file has it (the last RECORD_LIMIT in memory). */
  readonly ledger: MessagingLedgerEntry[] = [];
  readonly #ledgerFile: string | undefined;
  readonly #timeScale: number;
  readonly #sendsPerSecond: number;
  readonly #templateButtons: TemplateButtonsLookup | undefined;
  readonly #logger: Logger | undefined;
  readonly #listeners: InboundListener[] = [];
  /** Idempotency keys seen (the most recent ones: a long demo run must not grow without end). */
  readonly #keys = new LRUCache<string, true>({ max: RECORD_LIMIT });
  /** Per person and sender: what they remember, and the tail of their event sequence. */
  readonly #people = new Map<string, { state: PersonState; tail: Promise<void>; last: number }>();
  readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  /** Ids unique across processes, so a restarted simulator never repeats one. */
  readonly #prefix = randomBytes(4).toString('hex');
  #serial = 0;
  #throttle = 0;
  #windowStart = 0;
  #windowCount = 0;
  #closed = false;

  constructor(options: SimulatedChannelOptions = {}) {
    this.#timeScale = options.timeScale ?? 1;
    if (!(this.#timeScale > 0)) throw new RangeError('timeScale must be positive');
    this.#sendsPerSecond = options.sendsPerSecond ?? CAPABILITIES.defaultSendsPerSecond;
    this.#templateButtons = options.templateButtons;
    this.#logger = options.logger;
    this.capabilities = { ...CAPABILITIES, defaultSendsPerSecond: this.#sendsPerSecond };
    this.#ledgerFile = options.ledgerFile;
    if (this.#ledgerFile) {
      for (const entry of readMessagingLedgerFile(this.#ledgerFile)) {
        this.#keys.set(entry.messageId, true);
      }
    }
  }

  onInbound(listener: InboundListener): void {
    this.#listeners.push(listener);
  }

  /** Makes the provider refuse the next `count` sends with its throttling answer. */
  throttleNext(count = 1): void {
    this.#throttle += count;
  }

  /** What the provider accepted for a person, oldest first. */
  sentTo(to: string): SimulatedSend[] {
    return this.sent.filter((s) => s.to === to);
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    if (this.#closed) {
      throw new ChannelSendError('closed', 'the simulated channel is closed', { retryable: false });
    }
    if (this.#keys.has(message.idempotencyKey)) {
      throw new ChannelSendError('duplicate', 'this idempotency key was sent already', {
        retryable: false,
      });
    }
    if (!/^\+[1-9]\d{6,14}$/.test(message.to)) {
      throw new ChannelSendError('invalid_recipient', 'the recipient is not an E.164 number', {
        retryable: false,
      });
    }
    if (this.#throttle > 0 || this.#overRate()) {
      if (this.#throttle > 0) this.#throttle -= 1;
      throw new ChannelSendError(THROTTLED, 'too many messages (simulated throughput limit)', {
        retryable: true,
        retryAfterMs: Math.ceil(1000 / this.#timeScale),
      });
    }
    this.#keys.set(message.idempotencyKey, true);
    const providerMessageId = `sim-${this.#prefix}-${++this.#serial}`;
    const { content } = message;
    const entry: MessagingLedgerEntry = {
      providerMessageId,
      messageId: message.idempotencyKey,
      from: message.from,
      to: message.to,
      type: content.type,
      ...(content.type === 'template' ? { template: content.template.name } : {}),
      at: new Date(),
    };
    // On disk before the answer: a crash after it cannot lose a send the provider took.
    if (this.#ledgerFile) appendMessagingLedger(this.#ledgerFile, entry);
    if (this.ledger.length >= RECORD_LIMIT) this.ledger.shift();
    this.ledger.push(entry);
    if (this.sent.length >= RECORD_LIMIT) this.sent.shift();
    this.sent.push({
      providerMessageId,
      from: message.from,
      to: message.to,
      content,
      ...(content.type === 'text' ? { text: content.text } : {}),
      ...(content.type === 'template' ? { text: content.template.name } : {}),
    });
    this.#lifeOf(message, providerMessageId);
    return { providerMessageId };
  }

  async markRead(_from: string, providerMessageId: string): Promise<void> {
    if (this.readMarked.length >= RECORD_LIMIT) this.readMarked.shift();
    this.readMarked.push(providerMessageId);
  }

  /**
   * A person writes to us first (or again): the channel emits it as an inbound message, in
   * order with the rest of that person's events. Resolves with the message's provider id once
   * the listeners have it.
   */
  async personSends(from: string, to: string, content: InboundContent): Promise<string> {
    const providerMessageId = `sim-in-${this.#prefix}-${++this.#serial}`;
    await this.#inOrder(from, to, async () => {
      await this.#emit({ kind: 'message', from, to, providerMessageId, at: new Date(), content });
    });
    return providerMessageId;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const { timer, resolve } of this.#timers) {
      clearTimeout(timer);
      resolve();
    }
    this.#timers.clear();
    await Promise.all([...this.#people.values()].map((p) => p.tail));
  }

  /** A message's statuses, then the person's answer, in the person's event order. */
  #lifeOf(message: OutboundMessage, id: string): void {
    const person = this.#person(message.to, message.from);
    const seq = ++person.last;
    const persona = messagingPersonaOf(message.to);
    const status = (s: 'sent' | 'delivered' | 'read' | 'failed') =>
      this.#emit({
        kind: 'status',
        providerMessageId: id,
        recipient: message.to,
        status: s,
        at: new Date(),
        ...(s === 'failed' ? { error: UNDELIVERABLE } : {}),
      });
    void this.#inOrder(message.to, message.from, async () => {
      if (persona === 'unreachable') {
        await this.#wait(DELAYS.failed);
        await status('failed');
        return;
      }
      await this.#wait(DELAYS.sent);
      await status('sent');
      await this.#wait(DELAYS.delivered);
      await status('delivered');
      if (persona === 'ignores') return;
      await this.#wait(DELAYS.read);
      await status('read');
      // A person answers the last of several messages sent together, not each one.
      if (person.last !== seq) return;
      const buttons =
        message.content.type === 'template'
          ? await this.#lookUpButtons(message.content.template)
          : undefined;
      const answers = personaReply(persona, message.content, person.state, buttons);
      for (const content of answers) {
        const length = content.type === 'text' ? content.text.length : 20;
        await this.#wait(DELAYS.reply + DELAYS.replyPerChar * length);
        if (person.last !== seq) return; // we wrote again while they typed
        await this.#emit({
          kind: 'message',
          from: message.to,
          to: message.from,
          providerMessageId: `sim-in-${this.#prefix}-${++this.#serial}`,
          at: new Date(),
          content,
          replyTo: id,
        });
      }
    });
  }

  async #lookUpButtons(template: { name: string; language: string }) {
    try {
      return await this.#templateButtons?.({ name: template.name, language: template.language });
    } catch (error) {
      this.#logger?.warn({ err: String(error) }, 'simulated channel: template lookup failed');
      return undefined;
    }
  }

  #person(person: string, sender: string) {
    const key = `${sender}>${person}`;
    let found = this.#people.get(key);
    if (!found) {
      found = { state: newPersonState(), tail: Promise.resolve(), last: 0 };
      this.#people.set(key, found);
    }
    return found;
  }

  /** Runs a step after the person's earlier ones, so their events keep their order. */
  #inOrder(person: string, sender: string, step: () => Promise<void>): Promise<void> {
    const entry = this.#person(person, sender);
    const run = entry.tail.then(async () => {
      if (!this.#closed) await step();
    });
    entry.tail = run.catch((error: unknown) => {
      this.#logger?.error({ err: String(error) }, 'simulated channel: a step failed');
    });
    return run;
  }

  /** Waits simulated seconds; waits under a millisecond of real time are skipped. */
  #wait(seconds: number): Promise<void> {
    const ms = (seconds * 1000) / this.#timeScale;
    if (ms < 1 || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#timers.add(entry);
    });
  }

  /** Hands an event to every listener, again (as a webhook is retried) when one fails. */
  async #emit(event: InboundEvent): Promise<void> {
    if (this.#closed) return;
    for (const listener of this.#listeners) {
      for (let attempt = 1; ; attempt++) {
        try {
          await listener(event);
          break;
        } catch (error) {
          if (attempt >= LISTENER_TRIES || this.#closed) {
            this.#logger?.error({ err: String(error) }, 'simulated channel: a listener failed');
            break;
          }
          await this.#wait(attempt);
        }
      }
    }
  }

  /** More sends this simulated second than the throughput allows. */
  #overRate(): boolean {
    const now = Date.now();
    if (now - this.#windowStart >= 1000 / this.#timeScale) {
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    this.#windowCount += 1;
    return this.#windowCount > this.#sendsPerSecond;
  }
}
