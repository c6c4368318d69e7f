// SMS through an SMPP centre (SMPP 3.4/5.0 over TCP, the smpp package): one bind_transceiver
// carries our submit_sm and the centre's deliver_sm (delivery receipts and people's messages).
// The bind is kept up with enquire_link and re-made with exponential backoff when it drops; a
// send waits for the bind, paced to the account's throughput. docs/sms.md describes the adapter.
import { LRUCache } from 'lru-cache';
import smpp, { type PDU, type Session } from 'smpp';
import { backoffDelayMs } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/logger.ts';
import {
  ChannelSendError,
  type ChannelCapabilities,
  type InboundEvent,
  type InboundListener,
  type MessagingChannel,
  type OutboundMessage,
  type SendReceipt,
} from '../messaging-channel.ts';
import { inboundEvent } from './smpp-inbound.ts';
import { SegmentAssembler, segmentOf } from './smpp-segments.ts';
import { addressOut, statusName, submitRefusal, textFields } from './smpp-pdu-fields.ts';

export interface SmppChannelOptions {
  /** smpp://host:port (ssmpp:// for TLS). */
  url: string;
  systemId: string;
  password: string;
  systemType?: string;
  /** The account's throughput: submit_sm are spaced to this many a second (default 50). */
  sendsPerSecond?: number;
  /** Seconds between enquire_link keep-alives (default 30). */
  enquireLinkSeconds?: number;
  /** How long the parts of a person's long SMS are awaited before it is handed on (5 min). */
  segmentTimeoutMs?: number;
  /** How long a send waits for a bind, and for its submit_sm_resp (default 10 s). */
  responseTimeoutMs?: number;
  /** The longest wait between reconnect attempts (default 30 s). */
  reconnectMaxDelayMs?: number;
  logger?: Logger;
}

/** deliver_sm_resp when a listener failed: a temporary application error, so the centre retries. */
const ESME_RX_T_APPN = 0x64;

const CAPABILITIES: ChannelCapabilities = {
  templates: false,
  interactive: false,
  media: false,
  readReceipts: false,
  defaultSendsPerSecond: 50,
};

type Waiter = { resolve: (session: Session) => void; reject: (error: Error) => void };

export class SmppChannel implements MessagingChannel {
  readonly kind = 'sms';
  readonly capabilities: ChannelCapabilities;
  readonly #options: Required<Omit<SmppChannelOptions, 'systemType' | 'logger'>> &
    Pick<SmppChannelOptions, 'systemType' | 'logger'>;
  readonly #listeners: InboundListener[] = [];
  /** Sends waiting for a bind. */
  readonly #waiters = new Set<Waiter>();
  /** Submits waiting for their submit_sm_resp on the current session: failed if it drops. */
  readonly #inFlight = new Set<(error: Error) => void>();
  /** Receipts of recent sends by idempotency key: a retry of a send that succeeded is not resent. */
  readonly #sent = new LRUCache<string, Promise<SendReceipt>>({ max: 10_000 });
  #bound: Session | undefined;
  #session: Session | undefined;
  #lastBindError: string | undefined;
  #closed = false;
  #nextSlot = 0;
  /** Ends a wait between bind attempts early (close()). */
  #wake: () => void = () => {};
  readonly #running: Promise<void>;
  /** Parts of people's long messages, until the last one comes. */
  readonly #segments: SegmentAssembler<Extract<InboundEvent, { kind: 'message' }>>;

  constructor(options: SmppChannelOptions) {
    this.#options = {
      sendsPerSecond: CAPABILITIES.defaultSendsPerSecond,
      enquireLinkSeconds: 30,
      responseTimeoutMs: 10_000,
      reconnectMaxDelayMs: 30_000,
      segmentTimeoutMs: 300_000,
      ...options,
    };
    const positive = ['sendsPerSecond', 'enquireLinkSeconds', 'responseTimeoutMs'] as const;
    for (const key of positive) {
      if (!(this.#options[key] > 0)) throw new RangeError(`${key} must be positive`);
    }
    this.capabilities = { ...CAPABILITIES, defaultSendsPerSecond: this.#options.sendsPerSecond };
    this.#segments = new SegmentAssembler(this.#options.segmentTimeoutMs, (first, text) => {
      void this.#hand({ ...first, content: { type: 'text', text } }).then((status) => {
        if (status !== 0) this.#options.logger?.error('an incomplete long SMS was not taken');
      });
    });
    this.#running = this.#keepBound();
  }

  onInbound(listener: InboundListener): void {
    this.#listeners.push(listener);
  }

  /** Whether the bind is up (for health checks and tests). */
  get bound(): boolean {
    return this.#bound !== undefined;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    if (this.#closed) throw closedError();
    if (message.content.type !== 'text') {
      throw new ChannelSendError(
        'unsupported_content',
        `SMS carries text only, not ${message.content.type}`,
        { retryable: false },
      );
    }
    if (message.content.text.length === 0) {
      throw new ChannelSendError('empty_text', 'an SMS needs text', { retryable: false });
    }
    const earlier = this.#sent.get(message.idempotencyKey);
    if (earlier) return earlier;
    const sending = this.#submit(message.from, message.to, message.content.text);
    this.#sent.set(message.idempotencyKey, sending);
    // Only an accepted send is remembered: a refused one may be sent again under the same key.
    sending.catch(() => this.#sent.delete(message.idempotencyKey));
    return sending;
  }

  async #submit(from: string, to: string, text: string): Promise<SendReceipt> {
    await this.#pace();
    // Closed while waiting for its slot: nothing more goes out.
    if (this.#closed) throw closedError();
    const session = await this.#boundSession();
    const source = addressOut(from);
    const destination = addressOut(to);
    const response = await this.#request(session, (done) =>
      session.submit_sm(
        {
          source_addr: source.addr,
          source_addr_ton: source.ton,
          source_addr_npi: source.npi,
          destination_addr: destination.addr,
          dest_addr_ton: destination.ton,
          dest_addr_npi: destination.npi,
          // Ask for a final delivery receipt (success or failure).
          registered_delivery: 1,
          ...textFields(text),
        },
        done,
      ),
    );
    if (response.command_status !== 0) throw submitRefusal(response.command_status);
    const id = response.message_id;
    if (typeof id !== 'string' || id.length === 0) {
      throw new ChannelSendError('no_message_id', 'submit_sm_resp without a message_id', {
        retryable: false,
      });
    }
    return { providerMessageId: id };
  }

  /** SMS has no read receipts: nothing to tell the centre. */
  async markRead(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.reject(closedError());
    this.#waiters.clear();
    this.#wake();
    this.#segments.clear();
    const session = this.#session;
    if (session) {
      if (this.#bound) {
        // A polite unbind, but a centre that does not answer does not hold the close up.
        await Promise.race([
          new Promise<void>((resolve) => session.unbind({}, () => resolve()) || resolve()),
          new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
        ]);
      }
      // A socket already gone (a refused bind) emits no second 'close' to wait for.
      if (!session.socket.destroyed) {
        await new Promise<void>((resolve) => session.destroy(() => resolve()));
      }
    }
    await this.#running;
  }

  /** Spaces sends at the account's throughput: each takes the next free slot. */
  async #pace(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.#nextSlot);
    this.#nextSlot = at + 1000 / this.#options.sendsPerSecond;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  /** The bound session, waiting for the bind (re)made in the background up to the timeout. */
  #boundSession(): Promise<Session> {
    if (this.#bound) return Promise.resolve(this.#bound);
    if (this.#closed) return Promise.reject(closedError());
    return new Promise<Session>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new ChannelSendError(
            'not_bound',
            `not bound to the SMPP centre${this.#lastBindError ? ` (${this.#lastBindError})` : ''}`,
            { retryable: true },
          ),
        );
      }, this.#options.responseTimeoutMs);
      const waiter: Waiter = {
        resolve: (session) => {
          clearTimeout(timer);
          resolve(session);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Sends a request PDU and resolves with its response; the session dropping rejects it. */
  #request(session: Session, send: (done: (pdu: PDU) => void) => boolean): Promise<PDU> {
    return new Promise<PDU>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.#inFlight.delete(fail);
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new ChannelSendError('timeout', 'no answer from the SMPP centre', { retryable: true }),
          ),
        this.#options.responseTimeoutMs,
      );
      this.#inFlight.add(fail);
      const written = send((pdu) => {
        clearTimeout(timer);
        this.#inFlight.delete(fail);
        resolve(pdu);
      });
      if (!written) fail(connectionLost());
    });
  }

  /**
   * Binds, stays bound until the connection drops, binds again: until close(). The waits between
   * attempts grow as shared/backoff.ts says, with full jitter so that every client of a restarted
   * centre does not come back at once; close() cuts a wait short (exponential-backoff's cannot be).
   */
  async #keepBound(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      let session: Session;
      try {
        session = await this.#bindOnce();
      } catch (error) {
        failures += 1;
        this.#lastBindError = error instanceof Error ? error.message : String(error);
        if (this.#closed) return;
        this.#options.logger?.warn({ err: this.#lastBindError, failures }, 'SMPP bind failed');
        const delay = backoffDelayMs(failures, {
          baseMs: 100,
          maxMs: this.#options.reconnectMaxDelayMs,
        });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      failures = 0;
      this.#bound = session;
      this.#lastBindError = undefined;
      for (const waiter of this.#waiters) waiter.resolve(session);
      this.#waiters.clear();
      await new Promise<void>((resolve) => session.once('close', resolve));
      this.#bound = undefined;
      for (const fail of [...this.#inFlight]) fail(connectionLost());
      if (!this.#closed) this.#options.logger?.warn('SMPP connection lost, binding again');
    }
  }

  /** One connection and bind_transceiver: resolves with the bound session, or rejects. */
  #bindOnce(): Promise<Session> {
    if (this.#closed) return Promise.reject(new Error('closed'));
    return new Promise<Session>((resolve, reject) => {
      const session = smpp.connect({
        url: this.#options.url,
        auto_enquire_link_period: this.#options.enquireLinkSeconds * 1000,
      });
      this.#session = session;
      let settled = false;
      const failBind = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        session.destroy();
        reject(new Error(message));
      };
      const timer = setTimeout(() => failBind('bind timed out'), this.#options.responseTimeoutMs);
      // Errors end in 'close'; this listener keeps them from being thrown.
      session.on('error', (error: Error) => {
        this.#options.logger?.warn({ err: error.message }, 'SMPP connection error');
        failBind(`connection failed: ${error.message}`);
      });
      session.on('close', () => failBind('connection closed before the bind'));
      this.#serve(session);
      session.on('connect', () => {
        session.bind_transceiver(
          {
            system_id: this.#options.systemId,
            password: this.#options.password,
            system_type: this.#options.systemType ?? '',
          },
          (pdu) => {
            if (pdu.command_status !== 0) {
              failBind(`bind refused: ${statusName(pdu.command_status)}`);
              return;
            }
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(session);
          },
        );
      });
    });
  }

  /** The centre's requests on a session: keep-alives, unbind, deliveries. */
  #serve(session: Session): void {
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('deliver_sm', (pdu: PDU) => {
      void this.#deliver(pdu).then((status) =>
        session.send(pdu.response(status === 0 ? {} : { command_status: status })),
      );
    });
  }

  /**
   * Hands a deliver_sm to the listeners and answers it: with success once they took it, with a
   * temporary error when one failed (the centre delivers it again), so nothing is lost. What we
   * cannot read is answered with success, so a bad PDU is not redelivered forever.
   */
  async #deliver(pdu: PDU): Promise<number> {
    const event = inboundEvent(pdu);
    if (!event) return 0;
    const segment = event.kind === 'message' ? segmentOf(pdu) : undefined;
    if (event.kind === 'message' && event.content.type === 'text' && segment) {
      // Parts are answered as received; the message goes on once whole.
      const key = `${event.from}>${event.to}`;
      const whole = this.#segments.add(key, segment, event.content.text, event);
      if (whole === undefined) return 0;
      const status = await this.#hand({ ...event, content: { type: 'text', text: whole } });
      if (status === 0) this.#segments.release(key, segment);
      return status;
    }
    return this.#hand(event);
  }

  async #hand(event: InboundEvent): Promise<number> {
    try {
      for (const listener of this.#listeners) await listener(event);
      return 0;
    } catch (error) {
      this.#options.logger?.error(
        { err: error instanceof Error ? error.message : String(error) },
        'an inbound SMS listener failed; the centre will deliver it again',
      );
      return ESME_RX_T_APPN;
    }
  }
}

function closedError(): ChannelSendError {
  return new ChannelSendError('closed', 'the SMPP channel is closed', { retryable: false });
}

function connectionLost(): ChannelSendError {
  return new ChannelSendError('connection_lost', 'the connection to the SMPP centre was lost', {
    retryable: true,
  });
}
