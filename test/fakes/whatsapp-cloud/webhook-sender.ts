import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';

// Meta's side of the webhook: a GET handshake before anything is sent, then signed POSTs in the
// real envelope, retried on anything but 2xx. Behaviour knobs reproduce what integrators meet
// (duplicates, out-of-order statuses, several statuses in one POST, a skipped "delivered").

export interface WebhookBehaviour {
  /** Before each status step (sent → delivered → read). Default 0. */
  delayMs: number;
  /** Go from sent straight to read, as Meta does when the person reads at once. */
  skipDelivered: boolean;
  /** People read what they get (a `read` status follows). Default true. */
  read: boolean;
  /** Every POST is made twice (the same bytes), like Meta's at-least-once delivery. */
  duplicate: boolean;
  /** A message's statuses arrive newest first (read, delivered, sent). */
  reorder: boolean;
  /** Up to this many statuses of one number in one POST (default 1). */
  batch: number;
  /** How long a partial batch waits for company (default 5 ms). */
  batchWaitMs: number;
  /** First retry after this long, growing linearly (default 50 ms). */
  retryDelayMs: number;
  /** Then the POST is given up (counted in webhookFailures). Default 20. */
  maxAttempts: number;
}

export const DEFAULT_BEHAVIOUR: WebhookBehaviour = {
  delayMs: 0,
  skipDelivered: false,
  read: true,
  duplicate: false,
  reorder: false,
  batch: 1,
  batchWaitMs: 5,
  retryDelayMs: 50,
  maxAttempts: 20,
};

export interface WebhookCounters {
  webhookPosts: number;
  webhookRetries: number;
  webhookFailures: number;
}

type Json = Record<string, unknown>;

interface Pending {
  status: Json;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class WebhookSender {
  behaviour: WebhookBehaviour;
  readonly #appSecret: string;
  readonly #counters: WebhookCounters;
  readonly #metadata: (phoneNumberId: string) => Json;
  readonly #agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  readonly #batches = new Map<string, { items: Pending[]; timer?: NodeJS.Timeout }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #url: string | undefined;
  /** Per-number callback overrides (Meta's `override_callback_uri`). */
  readonly #urls = new Map<string, string>();
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #closed = false;

  constructor(
    appSecret: string,
    behaviour: WebhookBehaviour,
    counters: WebhookCounters,
    metadata: (phoneNumberId: string) => Json,
  ) {
    this.#appSecret = appSecret;
    this.behaviour = behaviour;
    this.#counters = counters;
    this.#metadata = metadata;
  }

  /** Whether webhooks of this number have somewhere to go. */
  subscribedFor(phoneNumberId: string): boolean {
    return this.#urls.has(phoneNumberId) || this.#url !== undefined;
  }

  /**
   * Meta's verification GET; the subscription holds only if the challenge comes back. With
   * phone number ids, it is their callback override; without, the app's callback for the rest.
   */
  async subscribe(url: string, verifyToken: string, phoneNumberIds?: string[]): Promise<void> {
    const challenge = randomBytes(8).toString('hex');
    const target = new URL(url);
    target.searchParams.set('hub.mode', 'subscribe');
    target.searchParams.set('hub.verify_token', verifyToken);
    target.searchParams.set('hub.challenge', challenge);
    const response = await request(target, { dispatcher: this.#agent, method: 'GET' });
    const text = await response.body.text();
    if (response.statusCode !== 200 || text !== challenge)
      throw new Error(
        `webhook verification failed: HTTP ${response.statusCode}, body ${text.slice(0, 80)}`,
      );
    if (phoneNumberIds) for (const id of phoneNumberIds) this.#urls.set(id, url);
    else this.#url = url;
  }

  /** One change value (messages, user_preferences) in its own POST; resolves once answered 2xx. */
  async post(phoneNumberId: string, field: string, value: Json): Promise<void> {
    await this.#deliver(phoneNumberId, field, { ...this.#base(phoneNumberId), ...value });
  }

  /** A status, batched with others of the same number; resolves once its POST was answered 2xx. */
  status(phoneNumberId: string, status: Json): Promise<void> {
    return new Promise((resolve, reject) => {
      let batch = this.#batches.get(phoneNumberId);
      if (!batch) this.#batches.set(phoneNumberId, (batch = { items: [] }));
      batch.items.push({ status, resolve, reject });
      if (batch.items.length >= this.behaviour.batch) this.#flush(phoneNumberId);
      else if (!batch.timer) {
        batch.timer = setTimeout(() => this.#flush(phoneNumberId), this.behaviour.batchWaitMs);
      }
    });
  }

  /** Resolves when no POST is waiting, in flight or being retried. */
  idle(): Promise<void> {
    if (this.#inFlight === 0 && this.#batches.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const [, batch] of this.#batches) {
      if (batch.timer) clearTimeout(batch.timer);
      for (const item of batch.items) item.reject(new Error('fake Graph server closed'));
    }
    this.#batches.clear();
    await this.#agent.close().catch(() => {});
  }

  #flush(phoneNumberId: string): void {
    const batch = this.#batches.get(phoneNumberId);
    if (!batch) return;
    if (batch.timer) clearTimeout(batch.timer);
    this.#batches.delete(phoneNumberId);
    const items = batch.items;
    this.#deliver(phoneNumberId, 'messages', {
      ...this.#base(phoneNumberId),
      statuses: items.map((i) => i.status),
    })
      .then(() => items.forEach((i) => i.resolve()))
      .catch((error: Error) => items.forEach((i) => i.reject(error)));
  }

  #base(phoneNumberId: string): Json {
    return { messaging_product: 'whatsapp', metadata: this.#metadata(phoneNumberId) };
  }

  async #deliver(phoneNumberId: string, field: string, value: Json): Promise<void> {
    const url = this.#urls.get(phoneNumberId) ?? this.#url;
    if (!url)
      throw new Error(`no webhook subscribed for ${phoneNumberId} on the fake Graph server`);
    const body = metaJson({
      object: 'whatsapp_business_account',
      entry: [{ id: 'fake-waba', changes: [{ value, field }] }],
    });
    this.#inFlight++;
    try {
      await this.#postUntilAccepted(url, body);
      if (this.behaviour.duplicate) await this.#postUntilAccepted(url, body);
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#batches.size === 0)
        this.#idle.splice(0).forEach((r) => r());
    }
  }

  async #postUntilAccepted(url: string, body: string): Promise<void> {
    const signature = `sha256=${createHmac('sha256', this.#appSecret).update(body).digest('hex')}`;
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new Error('fake Graph server closed');
      this.#counters.webhookPosts++;
      let status: number;
      try {
        const response = await request(url, {
          dispatcher: this.#agent,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
        });
        status = response.statusCode;
        await response.body.dump();
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) return;
      if (attempt >= this.behaviour.maxAttempts) {
        this.#counters.webhookFailures++;
        throw new Error(`webhook not accepted after ${attempt} attempts (last HTTP ${status})`);
      }
      this.#counters.webhookRetries++;
      await this.sleep(this.behaviour.retryDelayMs * attempt);
    }
  }

  /** A timer close() cancels (the promise then resolves at once). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

/**
 * JSON as Meta writes it: non-ASCII as \uXXXX and "/" as "\/". Parsing and serialising such a
 * body again gives other bytes, which is why the signature is checked on the raw body.
 */
function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
