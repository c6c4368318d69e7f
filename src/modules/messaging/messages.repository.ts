import type { Queryable } from '../../store/db.ts';
import { txMemo } from '../../store/tx-memo.ts';

// Messages in and out, their send batches and the 24-hour windows. The sender's queue over the
// same table is in send-queue.repository.ts. Bulk statements take their rows as one JSON
// parameter so a batch of any size is one round trip.

export type MessageKind = 'template' | 'free_form' | 'sms' | 'inbound';
export type MessageStatus =
  'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface MessageRecord {
  id: string;
  /** Insertion order. */
  seq: number;
  appId: number;
  channelPk: number;
  userId: string;
  direction: 'in' | 'out';
  kind: MessageKind;
  content: Record<string, unknown>;
  providerMessageId: string | null;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  batchId: string | null;
  templateId: number | null;
  variables: Record<string, string> | null;
  custom: Record<string, string> | null;
  conversationId: string | null;
  replyTo: string | null;
  userName: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  sentAt: Date | null;
  statusAt: Date;
}

export interface MessageRow {
  id: string;
  seq: number;
  app_id: number;
  channel_pk: number;
  user_id: string;
  direction: 'in' | 'out';
  kind: MessageKind;
  content: Record<string, unknown>;
  provider_message_id: string | null;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  batch_id: string | null;
  template_id: number | null;
  variables: Record<string, string> | null;
  custom: Record<string, string> | null;
  conversation_id: string | null;
  reply_to: string | null;
  user_name: string | null;
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
  status_at: Date;
}

export const COLUMNS = `m.id, m.seq, m.app_id, m.channel_pk, m.user_id, m.direction, m.kind, m.content,
  m.provider_message_id, m.status, m.error_code, m.error_message, m.batch_id, m.template_id,
  m.variables, m.custom, m.conversation_id, m.reply_to, m.user_name, m.attempts, m.next_attempt_at,
  m.created_at, m.sent_at, m.status_at`;

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    seq: Number(r.seq),
    appId: Number(r.app_id),
    channelPk: Number(r.channel_pk),
    userId: r.user_id,
    direction: r.direction,
    kind: r.kind,
    content: r.content,
    providerMessageId: r.provider_message_id,
    status: r.status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    batchId: r.batch_id,
    templateId: r.template_id === null ? null : Number(r.template_id),
    variables: r.variables,
    custom: r.custom,
    conversationId: r.conversation_id,
    replyTo: r.reply_to,
    userName: r.user_name,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    statusAt: r.status_at,
  };
}

export interface BatchRecord {
  id: string;
  appId: number;
  channelPk: number;
  kind: 'template' | 'single' | 'sms';
  templateId: number | null;
  robotId: string | null;
  callbackUrl: string | null;
}

export async function insertBatch(q: Queryable, b: BatchRecord): Promise<void> {
  await q.query(
    `INSERT INTO message_batches (id, app_id, channel_pk, kind, template_id, robot_id, callback_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [b.id, b.appId, b.channelPk, b.kind, b.templateId, b.robotId, b.callbackUrl],
  );
}

export async function batchesByIds(
  q: Queryable,
  ids: readonly string[],
): Promise<Map<string, BatchRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<{
    id: string;
    app_id: number;
    channel_pk: number;
    kind: BatchRecord['kind'];
    template_id: number | null;
    robot_id: string | null;
    callback_url: string | null;
  }>(
    `SELECT id, app_id, channel_pk, kind, template_id, robot_id, callback_url
     FROM message_batches WHERE id = ANY($1::text[])`,
    [[...new Set(ids)]],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        appId: Number(r.app_id),
        channelPk: Number(r.channel_pk),
        kind: r.kind,
        templateId: r.template_id === null ? null : Number(r.template_id),
        robotId: r.robot_id,
        callbackUrl: r.callback_url,
      },
    ]),
  );
}

export interface NewInbound {
  id: string;
  appId: number;
  channelPk: number;
  userId: string;
  content: unknown;
  providerMessageId: string;
  replyTo: string | null;
  userName: string | null;
  at: Date;
}

/** Stores a person's message once per provider id: false when it was already stored. */
export async function insertInbound(q: Queryable, m: NewInbound): Promise<boolean> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO messages (id, app_id, channel_pk, user_id, direction, kind, content,
       provider_message_id, status, reply_to, user_name, created_at, status_at)
     VALUES ($1, $2, $3, $4, 'in', 'inbound', $5, $6, 'received', $7, $8, $9, $9)
     ON CONFLICT (channel_pk, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      m.id,
      m.appId,
      m.channelPk,
      m.userId,
      JSON.stringify(m.content),
      m.providerMessageId,
      m.replyTo,
      m.userName,
      m.at,
    ],
  );
  return rows.length > 0;
}

/** Messages of a channel by provider id, locked (status updates serialise per message). */
export async function lockByProviderIds(
  q: Queryable,
  channelPk: number,
  providerIds: readonly string[],
): Promise<MessageRecord[]> {
  if (providerIds.length === 0) return [];
  const rows = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages m
     WHERE m.channel_pk = $1 AND m.provider_message_id = ANY($2::text[])
     ORDER BY m.id FOR NO KEY UPDATE`,
    [channelPk, [...new Set(providerIds)]],
  );
  return rows.map(toMessage);
}

export async function setStatuses(
  q: Queryable,
  changes: ReadonlyArray<{
    id: string;
    status: MessageStatus;
    at: Date;
    errorCode: string | null;
    errorMessage: string | null;
  }>,
): Promise<void> {
  if (changes.length === 0) return;
  await q.query(
    `UPDATE messages m SET status = r.status, status_at = r.at,
       error_code = coalesce(r.error_code, m.error_code),
       error_message = coalesce(r.error_message, m.error_message)
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, status text, at timestamptz, error_code text, error_message text)
     WHERE m.id = r.id`,
    [
      JSON.stringify(
        changes.map((c) => ({
          id: c.id,
          status: c.status,
          at: c.at.toISOString(),
          error_code: c.errorCode,
          error_message: c.errorMessage,
        })),
      ),
    ],
  );
}

/** Messages of an app by our ids (any channel), scoped by app. */
export async function messagesByIds(
  q: Queryable,
  appId: number,
  ids: readonly string[],
): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages m WHERE m.app_id = $1 AND m.id = ANY($2::text[]) ORDER BY m.seq`,
    [appId, [...new Set(ids)]],
  );
  return rows.map(toMessage);
}

export async function messagesOfBatch(
  q: Queryable,
  appId: number,
  batchId: string,
): Promise<MessageRecord[]> {
  const rows = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages m WHERE m.app_id = $1 AND m.batch_id = $2 ORDER BY m.seq`,
    [appId, batchId],
  );
  return rows.map(toMessage);
}

/** Opens or renews the window: only ever forward (a late duplicate cannot shorten it). */
/** The window's last inbound instant as this transaction set it (a turn sends right after). */
const renewedInTx = txMemo<string, Date | undefined>();

export async function renewWindow(
  q: Queryable,
  channelPk: number,
  userId: string,
  at: Date,
): Promise<void> {
  const [row] = await q.query<{ last_inbound_at: Date }>(
    `INSERT INTO messaging_windows (channel_pk, user_id, last_inbound_at) VALUES ($1, $2, $3)
     ON CONFLICT (channel_pk, user_id) DO UPDATE
       SET last_inbound_at = greatest(messaging_windows.last_inbound_at, excluded.last_inbound_at)
     RETURNING last_inbound_at`,
    [channelPk, userId, at],
  );
  renewedInTx.set(q, `${channelPk}\u0000${userId}`, row?.last_inbound_at);
}

export async function lastInbound(
  q: Queryable,
  channelPk: number,
  userId: string,
): Promise<Date | undefined> {
  return renewedInTx.get(q, `${channelPk}\u0000${userId}`, async () => {
    const [row] = await q.query<{ last_inbound_at: Date }>(
      `SELECT last_inbound_at FROM messaging_windows WHERE channel_pk = $1 AND user_id = $2`,
      [channelPk, userId],
    );
    return row?.last_inbound_at;
  });
}

/** Whether a send to the person is out with the provider, its outcome not written yet. */
export async function sendingTo(q: Queryable, channelPk: number, userId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM messages WHERE channel_pk = $1 AND user_id = $2 AND direction = 'out'
       AND status = 'sending' LIMIT 1`,
    [channelPk, userId],
  );
  return rows.length > 0;
}

/**
 * The template message to a person that their message answers when it quotes none (free text
 * after a template): the latest one sent to them on the channel since `since` that no earlier
 * message of theirs answered. An inbound message's time is the provider's, in whole seconds
 * (WhatsApp's timestamps), so the send time is cut to the second before comparing; the sequence
 * keeps out what was stored before the template was even queued.
 */
export async function unansweredTemplate(
  q: Queryable,
  channelPk: number,
  userId: string,
  since: Date,
  inboundId: string,
): Promise<MessageRecord | undefined> {
  const rows = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages m
     WHERE m.channel_pk = $1 AND m.user_id = $2 AND m.direction = 'out' AND m.kind = 'template'
       AND m.sent_at >= $3
       AND NOT EXISTS (SELECT 1 FROM messages i
         WHERE i.channel_pk = m.channel_pk AND i.user_id = m.user_id AND i.direction = 'in'
           AND i.seq > m.seq AND i.created_at >= date_trunc('second', m.sent_at)
           AND i.id <> $4)
     ORDER BY m.sent_at DESC LIMIT 1`,
    [channelPk, userId, since, inboundId],
  );
  return rows[0] && toMessage(rows[0]);
}
