import type { Config } from '../../config.ts';
import { ClaimLoop } from '../../queue/claim-loop.ts';
import type { Reclaimer } from '../../queue/workers.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import type { Db } from '../../store/db.ts';
import type { Queryable } from '../../store/db.ts';
import { appSettingsMany } from '../auth/app-directory.ts';
import { callbackSigningKeys, type CallbackSigningKey } from '../auth/signing-keys.service.ts';
import { settingsOf } from '../encryption/stored-settings.ts';
import type { EncryptionInput } from '../encryption/settings.ts';
import { tickBatcher } from '../../shared/tick-batcher.ts';
import { withRetry } from '../../store/retry.ts';
import { wrapWebhook } from '../encryption/wrapper.ts';
import { airudderHeaders, retryPolicy, AIRUDDER_MAX_RETRIES } from './airudder-style.ts';
import { WEBHOOKS_CHANNEL } from './outbox.ts';
import { sign } from './signing.ts';
import {
  claimDueEvents,
  insertDelivery,
  markFailed,
  markManyFailed,
  recordDelivered,
  reclaimEvents,
  releaseEvents,
  scheduleRetry,
  scheduleRetryAt,
  type ClaimedEventRow,
  type NewDelivery,
} from './webhooks.repository.ts';

/** A claimed event with what delivering it needs. */
interface ClaimedEvent extends ClaimedEventRow {
  webhook_url: string | null;
  webhook_secret: string;
  /** apps.encryption as read right after the claim: each attempt uses the settings of its claim. */
  encryption: EncryptionInput | null;
  /** The app's newest active signing key, read for AIRudder-style events only (null: none). */
  callback_key: CallbackSigningKey | null;
}

export const NO_WEBHOOK_URL = 'no webhook URL configured';
const SHUTDOWN = 'aborted: worker shutting down';
const EXCERPT_BYTES = 500;
/** A claim outlives the request by this much, so only a stuck worker ever loses one. */
const LEASE_MARGIN_MS = 60_000;

export interface WebhookDelivererOptions {
  db: Db;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The WorkerRegistry id of this process: claims carry it, and the reclaimer frees them once it is gone. */
  workerId: string;
  /** Deliveries in flight at once. */
  capacity?: number;
}

interface Attempt {
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  excerpt: string | null;
}

interface Running {
  shutdown: AbortController;
  done: Promise<void>;
}

/**
 * Delivers the webhook outbox: claims due events, POSTs each signed, and records every attempt.
 * Delivery is at-least-once: a receiver may see an event again (same webhook-id) after a timeout,
 * a crash or a resend, and should de-duplicate on the id.
 */
export class WebhookDeliverer {
  readonly #o: WebhookDelivererOptions;
  readonly #running = new Map<ClaimedEvent, Running>();
  #loop: ClaimLoop<ClaimedEvent> | undefined;
  #unlisten: (() => Promise<void>) | undefined;

  /** Frees events claimed by workers that vanished; register with WorkerRegistry.addReclaimer. */
  readonly reclaim: Reclaimer = (tx) =>
    reclaimEvents(tx, this.#o.config.webhookMaxRetries + 1, AIRUDDER_MAX_RETRIES + 1);

  readonly #recordDelivered: (delivery: NewDelivery) => Promise<void>;

  constructor(options: WebhookDelivererOptions) {
    this.#o = options;
    // Retried through a database restart: given up, the event would wait for its lease to end
    // and be sent again.
    this.#recordDelivered = tickBatcher((deliveries) =>
      withRetry(() =>
        options.db.transaction((tx) => recordDelivered(tx, options.workerId, deliveries)),
      ),
    );
  }

  async start(): Promise<void> {
    if (this.#loop) return;
    const { db, config, workerId } = this.#o;
    const leaseMs = config.webhookTimeoutMs + LEASE_MARGIN_MS;
    const loop = new ClaimLoop<ClaimedEvent>({
      name: 'webhooks',
      capacity: this.#o.capacity ?? config.webhookConcurrency,
      pollMs: config.pollIntervalMs,
      coalesceMs: 5,
      claim: (limit) => claimWithTargets(db, workerId, limit, leaseMs, this.#o.log),
      handle: (event) => this.#track(event),
      onError: (err, event) =>
        this.#o.log.error({ err, eventId: event?.id }, 'webhook delivery loop error'),
    });
    this.#loop = loop;
    this.#unlisten = await db.listen(WEBHOOKS_CHANNEL, () => loop.wake());
    loop.start();
  }

  /** Ask for a claim now (an event was just recorded in this process). */
  wake(): void {
    this.#loop?.wake();
  }

  /**
   * Stops claiming, waits up to graceMs for deliveries in flight, aborts the rest and hands their
   * events back so another worker delivers them at once.
   */
  async stop(graceMs = this.#o.config.shutdownGraceMs): Promise<void> {
    await this.#unlisten?.();
    this.#unlisten = undefined;
    const loop = this.#loop;
    if (!loop) return;
    this.#loop = undefined;
    const left = await loop.stop(graceMs);
    const running = left.flatMap((event) => this.#running.get(event) ?? []);
    for (const r of running) r.shutdown.abort(new Error(SHUTDOWN));
    await Promise.allSettled(running.map((r) => r.done));
    await releaseEvents(this.#o.db, this.#o.workerId);
  }

  #track(event: ClaimedEvent): Promise<void> {
    const shutdown = new AbortController();
    const done = this.#deliver(event, shutdown.signal).finally(() => this.#running.delete(event));
    this.#running.set(event, { shutdown, done });
    return done;
  }

  async #deliver(event: ClaimedEvent, shutdown: AbortSignal): Promise<void> {
    const { db, config, log, metrics, workerId } = this.#o;
    const ids = { eventId: event.id, appId: event.app_id, attempt: event.attempt };
    // An event with a target of its own (an AIRudder-style callback URL) goes there instead.
    // The claim parked the events with nowhere to go (claimWithTargets).
    const url = (event.target_url ?? event.webhook_url)!;
    const policy = retryPolicy(event.delivery_style, config);
    const body = bodyOf(event);
    const attempt =
      typeof body === 'string'
        ? await post(url, headersOf(event, body), body, policy.timeoutMs, shutdown)
        : body;
    const ok = attempt.httpStatus !== null && attempt.httpStatus >= 200 && attempt.httpStatus < 300;
    // An attempt cut short by shutdown is not the last word: the next worker tries again.
    const exhausted = !ok && !shutdown.aborted && event.attempt >= 1 + policy.maxRetries;
    const result = ok ? 'delivered' : exhausted ? 'exhausted' : 'failed_attempt';
    const error = attempt.error ?? (ok ? null : `HTTP ${attempt.httpStatus}`);
    const delivery = {
      event_id: event.id,
      app_id: event.app_id,
      attempt: event.attempt,
      url,
      started_at: attempt.startedAt,
      duration_ms: attempt.durationMs,
      http_status: attempt.httpStatus,
      error,
      response_excerpt: attempt.excerpt,
    };
    // Successes (the bulk) are written together with the others that finish in the same turn.
    if (ok && !shutdown.aborted) await this.#recordDelivered(delivery);
    else
      await withRetry(() =>
        db.transaction(async (tx) => {
          await insertDelivery(tx, delivery);
          // Shutting down: stop() hands the claim back, the next worker makes the next attempt.
          if (shutdown.aborted) return;
          if (exhausted) await markFailed(tx, event.id, workerId, error ?? 'failed', true);
          else if (policy.from === 'attempt')
            await scheduleRetryAt(
              tx,
              event.id,
              workerId,
              error ?? 'failed',
              new Date(attempt.startedAt.getTime() + policy.delayMs),
            );
          else await scheduleRetry(tx, event.id, workerId, error ?? 'failed', policy.delayMs);
        }),
      );
    metrics.webhookDeliveries.inc({ result });
    const outcome = {
      ...ids,
      httpStatus: attempt.httpStatus,
      error,
      durationMs: attempt.durationMs,
    };
    if (ok) log.debug(outcome, 'webhook delivered');
    else if (exhausted) log.warn(outcome, 'webhook delivery failed; no retries left');
    else log.info(outcome, 'webhook delivery attempt failed; will retry');
  }
}

/**
 * Claims due events and adds each one's webhook target (URL, signing secret, encryption) from the
 * app directory: one more statement per claim, for all its apps together, never one per event. The
 * settings are read at every claim rather than cached, so a change applies from the next claim in
 * every process (docs/webhooks.md, docs/encryption.md). Both in one transaction: a failed read
 * undoes the claim instead of leaving its events leased to nobody until the lease ends.
 */
async function claimWithTargets(
  db: Db,
  workerId: string,
  limit: number,
  leaseMs: number,
  log: Logger,
): Promise<ClaimedEvent[]> {
  const claimed: ClaimedEvent[] = [];
  for (;;) {
    const want = limit - claimed.length;
    const round = await db.transaction(async (tx) => {
      const rows = await claimDueEvents(tx, workerId, want, leaseMs);
      const events = rows.length === 0 ? [] : await withTargets(tx, rows);
      // Events of an app with no webhook URL have nothing to try: parked here, in one statement
      // (one per event held a connection each and starved everyone else); a resend after the
      // URL is set delivers them.
      const nowhere = events.filter((e) => !(e.target_url ?? e.webhook_url)).map((e) => e.id);
      await markManyFailed(tx, nowhere, workerId, NO_WEBHOOK_URL, false);
      return {
        events: events.filter((e) => e.target_url ?? e.webhook_url),
        parked: nowhere.length,
        full: rows.length === want,
      };
    });
    claimed.push(...round.events);
    // An app without a URL is a valid setup (it polls the API): not a warning.
    if (round.parked > 0)
      log.debug(
        { parked: round.parked },
        'webhook events not delivered: no webhook URL configured',
      );
    // A full claim of which some were parked leaves room: claim again for the rest.
    if (!round.full || round.parked === 0) return claimed;
  }
}

async function withTargets(q: Queryable, rows: ClaimedEventRow[]): Promise<ClaimedEvent[]> {
  const apps = await appSettingsMany(
    q,
    rows.map((r) => Number(r.app_id)),
  );
  // The signing keys only when the claim holds AIRudder-style events: standard ones never pay.
  const airudder = rows.filter((r) => r.delivery_style === 'airudder');
  const keys = await callbackSigningKeys(
    q,
    airudder.map((r) => Number(r.app_id)),
  );
  return rows.map((row) => {
    const app = apps.get(Number(row.app_id));
    // An app deleted under its events (no command does that) has nowhere to deliver to.
    return {
      ...row,
      webhook_url: app?.webhookUrl ?? null,
      webhook_secret: app?.webhookSecret ?? '',
      encryption: (app?.encryption ?? null) as EncryptionInput | null,
      callback_key: keys.get(Number(row.app_id)) ?? null,
    };
  });
}

/**
 * The bytes to send: the stored payload, or for an app with AES on (docs/encryption.md) the
 * wrapper object around its encryption. Settings come with each claim, not from a cache, so a
 * change applies from the next claim in every process. A failure is an attempt that made no
 * request, retried like one that did.
 */
function bodyOf(event: ClaimedEvent): string | Attempt {
  // AIRudder-style callbacks belong to the Chatbot family, which has no AES transport: the
  // payload goes as stored.
  if (event.delivery_style === 'airudder') return event.body;
  try {
    const settings = settingsOf(event.app_id, event.encryption);
    return settings ? wrapWebhook(settings, event.id, event.body) : event.body;
  } catch (error) {
    const text = `cannot encrypt the payload: ${(error as Error).message}`;
    return { startedAt: new Date(), durationMs: 0, httpStatus: null, error: text, excerpt: null };
  }
}

/** The headers of one attempt in the event's style, signed over exactly `body`. */
function headersOf(event: ClaimedEvent, body: string): Record<string, string> {
  if (event.delivery_style === 'airudder')
    return airudderHeaders(event.id, body, event.callback_key, event.webhook_secret);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Airudder',
    ...sign(event.webhook_secret, event.id, Math.floor(Date.now() / 1000), body),
  };
}

/** One POST of `body` with its signed headers. Never throws. */
async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  shutdown: AbortSignal,
): Promise<Attempt> {
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      // A redirect is an answer other than 2xx: the integrator fixes the URL instead of us
      // re-sending a signed body to wherever it points.
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown]),
    });
    const excerpt = await readExcerpt(response);
    return { startedAt, durationMs: elapsed(), httpStatus: response.status, error: null, excerpt };
  } catch (error) {
    const text = shutdown.aborted ? SHUTDOWN : describe(error, timeoutMs);
    return { startedAt, durationMs: elapsed(), httpStatus: null, error: text, excerpt: null };
  }
}

/** The start of the response body for the delivery log; the status alone decides the outcome. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short (timeout, reset) still leaves the status, which is what counts.
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (size === 0) return null;
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `timed out after ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  // fetch reports network failures as "fetch failed" with the reason (ECONNREFUSED, ...) in cause.
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return `${error.message} (${cause.code})`;
  if (typeof cause?.message === 'string' && cause.message)
    return `${error.message}: ${cause.message}`;
  return error.message;
}
