import { newId } from '../../shared/ids.ts';
import { notify, type Queryable } from '../../store/db.ts';

export const WEBHOOKS_CHANNEL = 'tiller_webhooks';

export type EventType = 'call' | 'task' | 'plan';

export interface NewEvent {
  appId: number;
  type: EventType;
  /** The task or call the event is about. */
  subjectId: string;
  payload: Record<string, unknown>;
}

/**
 * Writes an event to the outbox. Call it inside the transaction that makes the state change the
 * event reports: both commit or neither does. The id is stable across every delivery attempt.
 */
export async function recordEvents(tx: Queryable, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ ...e, id: newId() }));
  await tx.query(
    `INSERT INTO webhook_events (id, app_id, type, subject_id, payload)
     SELECT r.id, r.app_id, r.type, r.subject_id, r.payload
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, app_id bigint, type text, subject_id text, payload jsonb)`,
    [
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          app_id: r.appId,
          type: r.type,
          subject_id: r.subjectId,
          payload: r.payload,
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
    `INSERT INTO webhook_events (id, app_id, type, subject_id, payload) VALUES ($1, $2, $3, $4, $5)`,
    [id, event.appId, event.type, event.subjectId, event.payload],
  );
  await notify(tx, WEBHOOKS_CHANNEL);
  return id;
}
