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
export async function recordEvent(tx: Queryable, event: NewEvent): Promise<string> {
  const id = newId();
  await tx.query(
    `INSERT INTO webhook_events (id, app_id, type, subject_id, payload) VALUES ($1, $2, $3, $4, $5)`,
    [id, event.appId, event.type, event.subjectId, event.payload],
  );
  await notify(tx, WEBHOOKS_CHANNEL);
  return id;
}
