import type { FakeTemplate } from './template-check.ts';
import type { UserContent } from './user-content.ts';
import type { WebhookBehaviour, WebhookCounters } from './webhook-sender.ts';

/**
 * A local WhatsApp Cloud API (Graph API) for tests and benchmarks: a real HTTP server on
 * 127.0.0.1 that answers `POST /{version}/{phone-number-id}/messages` as Meta documents it, and
 * sends signed status and message webhooks to a subscribed URL. docs/whatsapp.md has the full
 * guide; in short:
 *
 * ```ts
 * const graph = await startFakeGraph({ templates: [{ name: 'hello', language: 'en', body: 1 }] });
 * const channel = new WhatsAppCloudChannel({ phoneNumberId: '1001', accessToken: graph.accessToken,
 *   appSecret: graph.appSecret, verifyToken: 'v', graphUrl: graph.url });
 * await graph.subscribe(receiverUrl, 'v');          // GET handshake, then webhooks flow
 * await graph.userSends('1001', '+6281200000001', 'hi');   // opens the 24-hour window
 * graph.received('+6281200000001');                  // what the fake accepted for that person
 * await graph.close();
 * ```
 *
 * What it enforces, like Meta: the bearer token (190, HTTP 401), the request shape (100 /
 * 131008 / 131009, HTTP 400 with details), registered templates (132001 unknown, 132000
 * parameters), throughput per phone number id (token bucket, default 80/s → 130429), the pair
 * rate (a burst of 45 to one person, then one per 6 s → 131056). Accepted sends that Meta would
 * not deliver get a `failed` status webhook: free-form outside the person's 24-hour window
 * (131047; only the person's own messages open it), a MARKETING template to a person who opted
 * out (131050), a number not on WhatsApp (131026). Everything else goes sent → delivered → read.
 *
 * Benchmarks: `startFakeGraphProcess()` (fake-graph-process.ts) runs it in a child process with
 * the same API, every member async; `record: false` and `webhook: {batch, read: false}` keep it
 * cheap.
 */
export interface FakeGraphOptions {
  /** The bearer token sends must carry. Default 'fake-access-token'. */
  accessToken?: string;
  /** Signs webhooks. Default 'fake-app-secret'. */
  appSecret?: string;
  /** When given, other phone number ids answer 100 (subcode 33), as unknown objects do. */
  phoneNumberIds?: string[];
  /** Messages per second per phone number id. Default 80. */
  throughput?: number;
  /** Pair rate: messages to one person at once, then one per pairIntervalMs. 45 / 6,000. */
  pairBurst?: number;
  pairIntervalMs?: number;
  /** The customer-service window. Default 24 h. */
  windowMs?: number;
  templates?: FakeTemplate[];
  /** People (E.164 or digits) not on WhatsApp: sends to them fail with 131026. */
  notOnWhatsApp?: string[];
  /** How webhooks are sent (see WebhookBehaviour). */
  webhook?: Partial<WebhookBehaviour>;
  /** Keep every accepted request body (default true; a long benchmark may turn it off). */
  record?: boolean;
  /** The clock for windows, rate limits and webhook timestamps (ms). Default Date.now. */
  now?: () => number;
}

/** A message the fake accepted. */
export interface FakeSend {
  wamid: string;
  phoneNumberId: string;
  /** The person, digits only (the wa_id). */
  to: string;
  type: string;
  /** The request body as received (parsed JSON). */
  body: Record<string, unknown>;
  at: number;
  /** How it ends: delivered, or the code of the `failed` status that follows. */
  outcome: 'delivered' | 131026 | 131047 | 131050;
}

export interface FakeRead {
  phoneNumberId: string;
  messageId: string;
  at: number;
}

export interface FakeGraphCounters extends WebhookCounters {
  /** Every request to the Graph API. */
  requests: number;
  accepted: number;
  reads: number;
  /** Refused requests by Graph error code ("130429": 12). */
  rejected: Record<string, number>;
  /** Status objects handed to the webhook (duplicates not counted twice). */
  statuses: number;
}

export interface UserSendOptions {
  /** The message of ours this one quotes or answers (`context.id`). */
  contextId?: string;
  /** The profile name in `contacts[]` (default "Fake User"). */
  profileName?: string;
  /** Reuse a wamid (to replay a message Meta delivers again). */
  id?: string;
}

export interface FakeGraph {
  /** Base URL for the adapter's graphUrl, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly accessToken: string;
  readonly appSecret: string;
  readonly counters: FakeGraphCounters;
  /**
   * Meta's GET handshake to `callbackUrl`, then webhooks go there: with `phoneNumberIds`, those
   * numbers' webhooks (Meta's per-number callback override: one Tiller channel URL per number);
   * without, every number that has no override of its own.
   */
  subscribe(callbackUrl: string, verifyToken: string, phoneNumberIds?: string[]): Promise<void>;
  registerTemplate(template: FakeTemplate): void;
  /** Messages per second for one number (Meta: 80 by default, up to 1,000). */
  setThroughput(phoneNumberId: string, perSecond: number): void;
  setWebhookBehaviour(behaviour: Partial<WebhookBehaviour>): void;
  addNotOnWhatsApp(person: string): void;
  /**
   * The next send (of that number, if given) is refused with this Graph error code, or, with
   * 'disconnect', its connection is cut without an answer, or, with 'hang', it is never answered
   * (until close()). Queued: call it n times for n sends.
   */
  failNext(code: number | 'disconnect' | 'hang', options?: { phoneNumberId?: string }): void;
  /** A person writes to a number: opens their window; resolves with the wamid once our webhook answered 2xx. */
  userSends(
    phoneNumberId: string,
    from: string,
    content: UserContent,
    options?: UserSendOptions,
  ): Promise<string>;
  /** A person stops (or resumes) marketing messages: a `user_preferences` webhook. */
  userOptsOut(phoneNumberId: string, from: string, value?: 'stop' | 'resume'): Promise<void>;
  /** Accepted sends to a person (E.164 or digits), oldest first. */
  received(to: string): FakeSend[];
  /**
   * Calls `listener` with every send the fake accepts, as it accepts it (in this process only:
   * a benchmark waits on it instead of polling `received`).
   */
  onAccepted(listener: (send: FakeSend) => void): void;
  /** Every accepted send, oldest first. */
  sent(): FakeSend[];
  /** Mark-as-read requests accepted. */
  reads(): FakeRead[];
  /** Resolves when every status chain and webhook POST has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
