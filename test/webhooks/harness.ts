import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.ts';
import { insertApp, type AppRow } from '../../src/modules/auth/auth.repository.ts';
import { newWebhookSecret } from '../../src/modules/auth/secrets.ts';
import { WebhookDeliverer } from '../../src/modules/webhooks/deliverer.ts';
import { recordEvent } from '../../src/modules/webhooks/outbox.ts';
import type { DeliveryRow, EventRow } from '../../src/modules/webhooks/webhooks.repository.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics, type Metrics } from '../../src/shared/metrics.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Db } from '../../src/store/db.ts';

export { startReceiver, type Received, type Receiver, type Reply } from '../helpers/receiver.ts';

/** A URL on which nothing listens: a port the OS gave us, then closed. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {},
    {
      webhookRetryDelayMs: 50,
      webhookTimeoutMs: 2_000,
      webhookMaxRetries: 2,
      pollIntervalMs: 20,
      shutdownGraceMs: 200,
      ...overrides,
    },
  );
}

export async function createApp(db: Db, webhookUrl: string | null): Promise<AppRow> {
  return insertApp(db, {
    name: `app-${newId().slice(0, 8)}`,
    app_key: newId(),
    secret_hash: 'unused',
    webhook_url: webhookUrl,
    webhook_secret: newWebhookSecret(),
    timezone: 'Asia/Jakarta',
    is_demo: false,
  });
}

export const samplePayload = (n = 1) => ({
  timestamp: 1710143952,
  callee: { case_id: `case-${n}`, callee_number: '+8613711112222', borrowed_amount: '20000.00' },
  call: { task_id: newId(), call_id: newId(), intention: 'E', call_times: 2, ratio: 0.5 },
});

export async function addEvent(
  db: Db,
  appId: number,
  payload: Record<string, unknown> = samplePayload(),
) {
  return db.transaction((tx) =>
    recordEvent(tx, { appId, type: 'call', subjectId: newId(), payload }),
  );
}

/**
 * Proof that the deliverer went on claiming for a while: an event that becomes due `afterMs`
 * from now, and a wait until the receiver has its first request. Claims take due events oldest
 * first (next_attempt_at), so anything due before it (a retry that should not happen, an event
 * whose lease should hold) would have been sent first: asserting on the receiver after this
 * is an observed event, not a sleep.
 */
export async function deliverSentinel(
  db: Db,
  appId: number,
  hook: { requests: Array<{ headers: Record<string, unknown> }> },
  afterMs = 0,
): Promise<void> {
  const id = await addEvent(db, appId);
  await db.query(
    `UPDATE webhook_events SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
     WHERE id = $1`,
    [id, afterMs],
  );
  await waitFor('the sentinel event to arrive', () =>
    hook.requests.some((r) => r.headers['webhook-id'] === id),
  );
}

export interface RunningDeliverer {
  deliverer: WebhookDeliverer;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startDeliverer(
  db: Db,
  config: Config,
  workerId = `test-${newId()}`,
): Promise<RunningDeliverer> {
  const metrics = createMetrics();
  const deliverer = new WebhookDeliverer({
    db,
    config,
    log: createLogger({ level: 'silent', logPii: false }),
    metrics,
    workerId,
  });
  await deliverer.start();
  return { deliverer, metrics, stop: () => deliverer.stop(config.shutdownGraceMs) };
}

export async function counter(metrics: Metrics, result: string): Promise<number> {
  const { values } = await metrics.webhookDeliveries.get();
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

export async function eventRow(
  db: Db,
  id: string,
): Promise<EventRow & { locked_by: string | null }> {
  const [row] = await db.query<EventRow & { locked_by: string | null }>(
    'SELECT *, locked_by FROM webhook_events WHERE id = $1',
    [id],
  );
  if (!row) throw new Error(`no event ${id}`);
  return row;
}

export async function deliveryRows(db: Db, eventId: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE event_id = $1 ORDER BY id', [
    eventId,
  ]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check returns something truthy; fails with `what` after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits until the event reaches `status` and returns its row. */
export function waitForStatus(db: Db, id: string, status: EventRow['status'], timeoutMs?: number) {
  return waitFor(
    `event ${status}`,
    async () => {
      const row = await eventRow(db, id);
      return row.status === status && row.locked_by === null ? row : undefined;
    },
    timeoutMs,
  );
}
