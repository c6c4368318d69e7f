import { ownerIsGone } from '../../queue/workers.ts';
import type { Queryable } from '../../store/db.ts';

// The outbox table is also the delivery queue: an event is due when pending, its next attempt
// time has passed and no live claim holds it. Every state change below is guarded by the
// claimant's worker id, so a worker that lost its claim (lease expired, resend, reclaim) cannot
// overwrite what the new owner decided.

export type EventStatus = 'pending' | 'delivered' | 'failed';

/** A claimed event; the app's webhook target comes from the app directory (deliverer.ts). */
export interface ClaimedEventRow {
  id: string;
  app_id: number;
  /** The stored payload as PostgreSQL renders it: sent as is, so no number loses precision. */
  body: string;
  /** Number of this attempt (1 for the first). */
  attempt: number;
  /** The event's own target; null: the app's webhook URL. */
  target_url: string | null;
  /** How it is signed and retried (docs/webhooks.md, "Delivery styles"). */
  delivery_style: DeliveryStyle;
}

export type DeliveryStyle = 'standard' | 'airudder';

export interface EventRow {
  id: string;
  type: string;
  subject_id: string;
  payload: Record<string, unknown>;
  status: EventStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface DeliveryRow {
  attempt: number;
  url: string;
  started_at: Date;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface NewDelivery extends DeliveryRow {
  event_id: string;
  app_id: number;
}

const interval = (param: string) => `make_interval(secs => ${param}::double precision / 1000)`;

/**
 * Claims up to `limit` due events for `workerId` for `leaseMs`, counting the attempt now: an
 * attempt cut short by a crash still counts, so an event that kills its worker cannot loop forever.
 *
 * A barrier is due only once no earlier event of its ordering group is pending (claimed or
 * waiting for a retry): settled is delivered or failed, and neither ever becomes pending again
 * except by a resend, which takes the event out of its group (resetForResend). So a barrier seen
 * free in a claim's snapshot stays free.
 */
export async function claimDueEvents(
  q: Queryable,
  workerId: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedEventRow[]> {
  return q.query<ClaimedEventRow>(
    `UPDATE webhook_events e
     SET locked_by = $1, locked_until = now() + ${interval('$3')}, attempts = e.attempts + 1
     WHERE e.id IN (
       SELECT c.id FROM webhook_events c
       WHERE c.status = 'pending' AND c.next_attempt_at <= now()
         AND (c.locked_by IS NULL OR c.locked_until < now())
         AND (NOT c.barrier OR NOT EXISTS (
           SELECT 1 FROM webhook_events p
           WHERE p.ordering_group = c.ordering_group AND p.seq < c.seq AND p.status = 'pending'))
       ORDER BY c.next_attempt_at, c.seq
       LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING e.id, e.app_id, e.payload::text AS body, e.attempts AS attempt, e.target_url,
       e.delivery_style`,
    [workerId, limit, leaseMs],
  );
}

export async function insertDelivery(q: Queryable, d: NewDelivery): Promise<void> {
  await q.query(
    `INSERT INTO webhook_deliveries
       (event_id, app_id, attempt, url, started_at, duration_ms, http_status, error, response_excerpt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      d.event_id,
      d.app_id,
      d.attempt,
      d.url,
      d.started_at,
      d.duration_ms,
      d.http_status,
      d.error,
      d.response_excerpt,
    ],
  );
}

/**
 * Records successful attempts of several events at once: their delivery rows and their
 * delivered state, for the events this worker still holds.
 */
export async function recordDelivered(
  q: Queryable,
  workerId: string,
  deliveries: readonly NewDelivery[],
): Promise<void> {
  await q.query(
    `INSERT INTO webhook_deliveries
       (event_id, app_id, attempt, url, started_at, duration_ms, http_status, error, response_excerpt)
     SELECT event_id, app_id, attempt, url, started_at, duration_ms, http_status, error, response_excerpt
     FROM jsonb_to_recordset($1::jsonb) AS d(event_id text, app_id bigint, attempt int, url text,
       started_at timestamptz, duration_ms int, http_status int, error text, response_excerpt text)`,
    [
      JSON.stringify(
        // jsonb cannot hold NUL; a receiver's answer may.
        deliveries.map((d) => ({
          ...d,
          response_excerpt: d.response_excerpt?.replaceAll('\0', '\uFFFD') ?? null,
        })),
      ),
    ],
  );
  await q.query(
    `UPDATE webhook_events
     SET status = 'delivered', delivered_at = now(), last_error = NULL, locked_by = NULL, locked_until = NULL
     WHERE id = ANY($1::text[]) AND locked_by = $2`,
    [deliveries.map((d) => d.event_id), workerId],
  );
}

/** Each returns whether this worker still held the claim (false: someone else owns it now). */
export async function scheduleRetry(
  q: Queryable,
  id: string,
  workerId: string,
  error: string,
  delayMs: number,
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE webhook_events
     SET next_attempt_at = now() + ${interval('$4')}, last_error = $3, locked_by = NULL, locked_until = NULL
     WHERE id = $1 AND locked_by = $2 RETURNING id`,
    [id, workerId, error, delayMs],
  );
  return rows.length > 0;
}

/** Like scheduleRetry, at a given time rather than after a delay from now. */
export async function scheduleRetryAt(
  q: Queryable,
  id: string,
  workerId: string,
  error: string,
  at: Date,
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE webhook_events
     SET next_attempt_at = $4, last_error = $3, locked_by = NULL, locked_until = NULL
     WHERE id = $1 AND locked_by = $2 RETURNING id`,
    [id, workerId, error, at],
  );
  return rows.length > 0;
}

/** Parks the event as failed. `attempted` false: no request was sent, so the claim's count is undone. */
export async function markFailed(
  q: Queryable,
  id: string,
  workerId: string,
  error: string,
  attempted: boolean,
): Promise<boolean> {
  return (await markManyFailed(q, [id], workerId, error, attempted)) > 0;
}

/** markFailed for several events at once (events with nowhere to go, parked by their claim). */
export async function markManyFailed(
  q: Queryable,
  ids: readonly string[],
  workerId: string,
  error: string,
  attempted: boolean,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await q.query(
    `UPDATE webhook_events
     SET status = 'failed', last_error = $3, locked_by = NULL, locked_until = NULL,
       attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END
     WHERE id = ANY($1::text[]) AND locked_by = $2 RETURNING id`,
    [ids, workerId, error, attempted],
  );
  return rows.length;
}

/**
 * Hands a worker's claims back for another worker to take at once (graceful shutdown). The
 * interrupted attempt keeps its count: its request may have reached the receiver.
 */
export async function releaseEvents(q: Queryable, workerId: string): Promise<void> {
  await q.query(
    `UPDATE webhook_events SET locked_by = NULL, locked_until = NULL, next_attempt_at = now()
     WHERE locked_by = $1`,
    [workerId],
  );
}

/**
 * Frees the events of vanished workers. The lost attempt counts, so an event whose delivery kills
 * its worker every time is marked failed once it has used maxAttempts, instead of looping forever.
 */
export async function reclaimEvents(
  q: Queryable,
  maxAttempts: number,
  airudderMaxAttempts: number = maxAttempts,
): Promise<void> {
  // Each style has its own number of attempts (docs/webhooks.md, "Delivery styles").
  const limit = `CASE WHEN delivery_style = 'airudder' THEN $2::int ELSE $1::int END`;
  await q.query(
    `UPDATE webhook_events SET locked_by = NULL, locked_until = NULL,
       status = CASE WHEN attempts >= ${limit} THEN 'failed' ELSE status END,
       last_error = CASE WHEN attempts >= ${limit} THEN 'its worker vanished during the last attempt' ELSE last_error END
     WHERE ${ownerIsGone('locked_by')}`,
    [maxAttempts, airudderMaxAttempts],
  );
}

const EVENT_COLUMNS =
  'id, type, subject_id, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

export async function listEvents(
  q: Queryable,
  appId: number,
  filter: { status?: EventStatus; limit: number; offset: number },
): Promise<{ total: number; events: EventRow[] }> {
  const status = filter.status ?? null;
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM webhook_events WHERE app_id = $1 AND ($2::text IS NULL OR status = $2)`,
    [appId, status],
  );
  const events = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM webhook_events
     WHERE app_id = $1 AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [appId, status, filter.limit, filter.offset],
  );
  return { total: count?.n ?? 0, events };
}

export async function findEvent(
  q: Queryable,
  appId: number,
  id: string,
): Promise<EventRow | undefined> {
  const [row] = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE app_id = $1 AND id = $2`,
    [appId, id],
  );
  return row;
}

export async function listDeliveries(
  q: Queryable,
  appId: number,
  eventId: string,
): Promise<DeliveryRow[]> {
  return q.query<DeliveryRow>(
    `SELECT attempt, url, started_at, duration_ms, http_status, error, response_excerpt
     FROM webhook_deliveries WHERE app_id = $1 AND event_id = $2 ORDER BY id`,
    [appId, eventId],
  );
}

/**
 * Puts an event back in the queue as new: pending, due now, attempts from zero. A claim in
 * flight is dropped, so its late result cannot overwrite the resend (its request is still logged).
 * A resend leaves its ordering group: it waits for nothing and holds back no barrier, so an old
 * event sent again can neither stall behind nor stall a task's or a plan's event.
 */
export async function resetForResend(
  q: Queryable,
  appId: number,
  id: string,
): Promise<EventRow | undefined> {
  const [row] = await q.query<EventRow>(
    `UPDATE webhook_events
     SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, delivered_at = NULL,
       locked_by = NULL, locked_until = NULL, ordering_group = NULL, barrier = false
     WHERE app_id = $1 AND id = $2 RETURNING ${EVENT_COLUMNS}`,
    [appId, id],
  );
  return row;
}
