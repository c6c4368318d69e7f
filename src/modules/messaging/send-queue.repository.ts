import type { Queryable } from '../../store/db.ts';
import { ownerIsGone } from '../../queue/workers.ts';
import { COLUMNS, toMessage } from './messages.repository.ts';
import type { MessageRow, MessageRecord, MessageKind } from './messages.repository.ts';

// The sender's queue over the messages table: a queued row is due at next_attempt_at, a claimed
// one is 'sending' under the worker that claimed it (reclaimed when that worker is gone).

export interface NewOutbound {
  id: string;
  appId: number;
  channelPk: number;
  userId: string;
  kind: Exclude<MessageKind, 'inbound'>;
  content: unknown;
  batchId: string | null;
  templateId: number | null;
  variables: Record<string, string> | null;
  custom: Record<string, string> | null;
  conversationId: string | null;
  replyTo: string | null;
  at: Date;
}

/** Queues outbound messages, due at once. False when an id is already taken (nothing written). */
export async function insertOutbound(q: Queryable, rows: readonly NewOutbound[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await q.query<{ id: string }>(
    `INSERT INTO messages (id, app_id, channel_pk, user_id, direction, kind, content, status,
       batch_id, template_id, variables, custom, conversation_id, reply_to, next_attempt_at,
       created_at, status_at)
     SELECT r.id, r.app_id, r.channel_pk, r.user_id, 'out', r.kind, r.content, 'queued',
       r.batch_id, r.template_id, r.variables, r.custom, r.conversation_id, r.reply_to, r.at,
       r.at, r.at
     FROM jsonb_to_recordset($1::jsonb) AS r(n int, id text, app_id bigint, channel_pk bigint,
       user_id text, kind text, content jsonb, batch_id text, template_id bigint, variables jsonb,
       custom jsonb, conversation_id text, reply_to text, at timestamptz)
     ORDER BY r.n
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      JSON.stringify(
        rows.map((r, n) => ({
          n,
          id: r.id,
          app_id: r.appId,
          channel_pk: r.channelPk,
          user_id: r.userId,
          kind: r.kind,
          content: r.content,
          batch_id: r.batchId,
          template_id: r.templateId,
          variables: r.variables,
          custom: r.custom,
          conversation_id: r.conversationId,
          reply_to: r.replyTo,
          at: r.at.toISOString(),
        })),
      ),
    ],
  );
  return inserted.length;
}

/** Channels with at least one message due now. */
export async function dueChannels(q: Queryable, now: Date): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `SELECT c.id FROM messaging_channels c
     WHERE EXISTS (SELECT 1 FROM messages m
       WHERE m.channel_pk = c.id AND m.status = 'queued' AND m.next_attempt_at <= $1)`,
    [now],
  );
  return rows.map((r) => Number(r.id));
}

/** Claims up to `limit` due messages of a channel, oldest due first, for this worker. */
export async function claimDue(
  q: Queryable,
  channelPk: number,
  now: Date,
  limit: number,
  workerId: string,
): Promise<MessageRecord[]> {
  const rows = await q.query<MessageRow>(
    `UPDATE messages m SET status = 'sending', claimed_by = $4
     WHERE m.id IN (
       SELECT id FROM messages
       WHERE channel_pk = $1 AND status = 'queued' AND next_attempt_at <= $2
       ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [channelPk, now, limit, workerId],
  );
  return rows
    .map(toMessage)
    .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || a.seq - b.seq);
}

/** What became of a claimed message: sent, failed for good, or queued again for later. */
export interface SendOutcome {
  id: string;
  status: 'sent' | 'failed' | 'queued';
  providerMessageId?: string;
  errorCode?: string;
  errorMessage?: string;
  at: Date;
  /** For 'queued': when to try again. */
  nextAttemptAt?: Date;
  /** Whether the provider was asked (a compliance hold is not an attempt). */
  attempted: boolean;
}

/** Writes the outcomes of claimed messages; returns the rows as they are now (only those still claimed). */
export async function writeOutcomes(
  q: Queryable,
  outcomes: readonly SendOutcome[],
): Promise<MessageRecord[]> {
  if (outcomes.length === 0) return [];
  const rows = await q.query<MessageRow>(
    `UPDATE messages m SET
       status = r.status,
       provider_message_id = coalesce(r.provider_id, m.provider_message_id),
       error_code = r.error_code, error_message = r.error_message,
       sent_at = CASE WHEN r.status = 'sent' THEN r.at ELSE m.sent_at END,
       status_at = CASE WHEN r.status = 'queued' THEN m.status_at ELSE r.at END,
       next_attempt_at = r.next_attempt_at,
       attempts = m.attempts + CASE WHEN r.attempted THEN 1 ELSE 0 END,
       claimed_by = NULL
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, status text, provider_id text,
       error_code text, error_message text, at timestamptz, next_attempt_at timestamptz,
       attempted boolean)
     WHERE m.id = r.id AND m.status = 'sending'
     RETURNING ${COLUMNS}`,
    [
      JSON.stringify(
        outcomes.map((o) => ({
          id: o.id,
          status: o.status,
          provider_id: o.providerMessageId ?? null,
          error_code: o.errorCode ?? null,
          error_message: o.errorMessage ?? null,
          at: o.at.toISOString(),
          next_attempt_at: o.nextAttemptAt?.toISOString() ?? null,
          attempted: o.attempted,
        })),
      ),
    ],
  );
  return rows.map(toMessage);
}

/** Claimed rows of workers that are gone go back to the queue (sent again, same idempotency key). */
export async function reclaimSending(q: Queryable): Promise<void> {
  await q.query(
    `UPDATE messages SET status = 'queued', claimed_by = NULL
     WHERE status = 'sending' AND ${ownerIsGone('claimed_by')}`,
  );
}

export async function releaseSending(q: Queryable, workerId: string): Promise<void> {
  await q.query(
    `UPDATE messages SET status = 'queued', claimed_by = NULL
     WHERE status = 'sending' AND claimed_by = $1`,
    [workerId],
  );
}
