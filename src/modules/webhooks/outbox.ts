import { newId } from '../../shared/ids.ts';
import { notify, type Queryable } from '../../store/db.ts';

export const WEBHOOKS_CHANNEL = 'tiller_webhooks';

/**
 * The webhook event types, one entry per type: each module that sends webhooks adds its own
 * (`declare module '../webhooks/outbox.ts' { interface WebhookEventTypes { ... } }`), so a new
 * family or channel adds a type without touching this file or the database (the `type` column
 * is free text, with no CHECK). The key is what `type` holds; the value says what it reports.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules
export interface WebhookEventTypes {}

export type EventType = keyof WebhookEventTypes & string;

/**
 * Where and how one event is delivered, when not to the app's webhook URL in the Standard
 * Webhooks style: AIRudder-style callbacks (the Chatbot/WABA family's, the SMS delivery reports)
 * go to a URL the request or the channel named and are signed with X-AIRudder-Sign.
 */
export interface EventDelivery {
  /** The target instead of the app's webhook URL. */
  url?: string;
  /** 'standard' (webhook-* headers, the default) or 'airudder' (X-AIRudder-Sign, User-Agent: Airudder). */
  style?: 'standard' | 'airudder';
}

export interface NewEvent {
  appId: number;
  type: EventType;
  /** The task or call the event is about. */
  subjectId: string;
  payload: Record<string, unknown>;
  /**
   * Events with the same group are ordered by when they were recorded (docs/webhooks.md, "Order
   * of delivery"): the task id for a task's events, the plan id for a plan's. None: unordered.
   */
  group?: string;
  /**
   * A barrier is delivered only after every earlier event of its group is settled (delivered or
   * finally failed); events that are not barriers stay concurrent with each other.
   */
  barrier?: boolean;
  /** Stored with the event (target_url, delivery_style); absent: the app's URL, standard style. */
  delivery?: EventDelivery;
}

/**
 * Writes events to the outbox, in this order (their sequence numbers follow the array). Call it
 * inside the transaction that makes the state change the events report: both commit or neither
 * does. The id is stable across every delivery attempt.
 */
export async function recordEvents(tx: Queryable, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ ...e, id: newId() }));
  await tx.query(
    `INSERT INTO webhook_events (id, app_id, type, subject_id, payload, ordering_group, barrier,
       target_url, delivery_style)
     SELECT r.id, r.app_id, r.type, r.subject_id, r.payload, r.ordering_group, coalesce(r.barrier, false),
       r.target_url, r.delivery_style
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, app_id bigint, type text, subject_id text, payload jsonb, ordering_group text,
         barrier boolean, target_url text, delivery_style text, n bigint)
     ORDER BY r.n`,
    [
      JSON.stringify(
        rows.map((r, n) => ({
          n,
          id: r.id,
          app_id: r.appId,
          type: r.type,
          subject_id: r.subjectId,
          payload: r.payload,
          ordering_group: r.group ?? null,
          barrier: r.barrier ?? false,
          target_url: r.delivery?.url ?? null,
          delivery_style: r.delivery?.style ?? 'standard',
        })),
      ),
    ],
  );
  await notify(tx, WEBHOOKS_CHANNEL);
  return rows.map((r) => r.id);
}

export async function recordEvent(tx: Queryable, event: NewEvent): Promise<string> {
  const id = newId();
  await tx.query(
    `INSERT INTO webhook_events (id, app_id, type, subject_id, payload, ordering_group, barrier,
       target_url, delivery_style)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      event.appId,
      event.type,
      event.subjectId,
      event.payload,
      event.group ?? null,
      event.barrier ?? false,
      event.delivery?.url ?? null,
      event.delivery?.style ?? 'standard',
    ],
  );
  await notify(tx, WEBHOOKS_CHANNEL);
  return id;
}
