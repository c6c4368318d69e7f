import type { Queryable } from '../../store/db.ts';
import type { ChatContent } from './chat-content.ts';
import type { EndReason, MessageStatus, SenderType, SessionStatus } from './chat-events.ts';

// chat_sessions and chat_messages (migration 0023). Only the chatbot module reads or writes
// them; every statement is scoped to its app.

export interface SessionRow {
  id: string;
  app_id: number;
  channel: string;
  channel_id: string;
  user_id: string;
  user_name: string | null;
  robot_id: string | null;
  conversation_id: string | null;
  status: SessionStatus;
  transfer_requested_at: Date | null;
  seat_id: string;
  queue: string;
  snoozed_until: Date | null;
  waba_task_id: string | null;
  template_msg_id: string | null;
  variables: Record<string, string>;
  custom: Record<string, string> | null;
  end_reason: EndReason | null;
  started_at: Date;
  ended_at: Date | null;
  last_message_at: Date;
  last_user_message_at: Date | null;
  unread: number;
  report_sent_at: Date | null;
  /** The engine's result once its conversation ended (intention, slots, labels, rounds). */
  result: SessionResult | null;
  version: number;
}

/** What the §9.13 report needs of the bot's conversation, kept when it ends. */
export interface SessionResult {
  intention: string;
  talkRound: number;
  slots: Record<string, string>;
  labels: Record<string, string>;
}

export interface MessageRow {
  id: string;
  app_id: number;
  session_id: string;
  seq: number;
  sender_type: SenderType;
  seat_id: string;
  content: ChatContent;
  reply_to: string | null;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
}

const SESSION_COLUMNS = `id, app_id, channel, channel_id, user_id, user_name, robot_id,
  conversation_id, status, transfer_requested_at, seat_id, queue, snoozed_until, waba_task_id,
  template_msg_id, variables, custom, end_reason, started_at, ended_at, last_message_at,
  last_user_message_at, unread, report_sent_at, result, version`;

const MESSAGE_COLUMNS = `id, app_id, session_id, seq, sender_type, seat_id,
  content, reply_to, status, error_code, error_message, created_at`;

export type NewSession = Pick<
  SessionRow,
  | 'id'
  | 'app_id'
  | 'channel'
  | 'channel_id'
  | 'user_id'
  | 'user_name'
  | 'robot_id'
  | 'status'
  | 'waba_task_id'
  | 'template_msg_id'
  | 'variables'
  | 'custom'
  | 'started_at'
>;

/** Inserts a session unless the user already has a live one (or the id exists): false then. */
export async function insertSession(q: Queryable, s: NewSession): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO chat_sessions (id, app_id, channel, channel_id, user_id, user_name, robot_id, status,
       waba_task_id, template_msg_id, variables, custom, started_at, last_message_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      s.id,
      s.app_id,
      s.channel,
      s.channel_id,
      s.user_id,
      s.user_name,
      s.robot_id,
      s.status,
      s.waba_task_id,
      s.template_msg_id,
      s.variables,
      s.custom,
      s.started_at,
    ],
  );
  return rows.length === 1;
}

/**
 * The session under its row lock: turns and changes of one session run one after another. NO KEY
 * UPDATE, like an UPDATE of its columns: a plain FOR UPDATE would also wait for every
 * transaction that merely inserted a row referencing the session (a foreign key's KEY SHARE).
 */
export async function lockSession(
  q: Queryable,
  appId: number,
  id: string,
): Promise<SessionRow | undefined> {
  const [row] = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM chat_sessions WHERE app_id = $1 AND id = $2 FOR NO KEY UPDATE`,
    [appId, id],
  );
  return row;
}

export async function findSession(
  q: Queryable,
  appId: number,
  id: string,
): Promise<SessionRow | undefined> {
  const [row] = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM chat_sessions WHERE app_id = $1 AND id = $2`,
    [appId, id],
  );
  return row;
}

/**
 * Whether any app has a session of this id. Not scoped to an app on purpose: channels that bring
 * their own session ids (Huawei, bot) must not take another app's, and only this says so.
 */
export async function sessionIdTaken(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM chat_sessions WHERE id = $1', [id]);
  return rows.length > 0;
}

/** The user's newest session on the channel (live or not), under its lock. */
export async function lockLatestSession(
  q: Queryable,
  appId: number,
  channelId: string,
  userId: string,
): Promise<SessionRow | undefined> {
  const [row] = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM chat_sessions
      WHERE app_id = $1 AND channel_id = $2 AND user_id = $3
      ORDER BY (status <> 'resolved') DESC, started_at DESC, id DESC LIMIT 1 FOR NO KEY UPDATE`,
    [appId, channelId, userId],
  );
  return row;
}

/** Columns a change may set (the service decides which). */
export type SessionPatch = Partial<
  Pick<
    SessionRow,
    | 'user_name'
    | 'robot_id'
    | 'conversation_id'
    | 'status'
    | 'transfer_requested_at'
    | 'seat_id'
    | 'queue'
    | 'snoozed_until'
    | 'variables'
    | 'end_reason'
    | 'ended_at'
    | 'last_message_at'
    | 'last_user_message_at'
    | 'unread'
    | 'report_sent_at'
    | 'result'
    | 'started_at'
  >
>;

/** Applies a patch to a session the caller holds locked; returns the new row. */
export async function updateSession(
  q: Queryable,
  appId: number,
  id: string,
  patch: SessionPatch,
): Promise<SessionRow> {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const sets = entries.map(([column], i) => `${column} = $${i + 3}`);
  const [row] = await q.query<SessionRow>(
    `UPDATE chat_sessions SET ${[...sets, 'version = version + 1'].join(', ')}
      WHERE app_id = $1 AND id = $2 RETURNING ${SESSION_COLUMNS}`,
    [appId, id, ...entries.map(([, v]) => v)],
  );
  if (!row) throw new Error(`chat session ${id} vanished while locked`);
  return row;
}

export interface SessionFilter {
  channelId?: string;
  userId?: string;
  statuses?: SessionStatus[];
  /** Only pending sessions with (true) or without (false) a waiting transfer request. */
  transferring?: boolean;
  seatId?: string;
  queue?: string;
  startFrom?: Date;
  startTo?: Date;
  /** Cursor: sessions after this one in the order (newest activity first). */
  after?: { lastMessageAt: Date; id: string };
  size: number;
}

export async function listSessions(
  q: Queryable,
  appId: number,
  f: SessionFilter,
): Promise<SessionRow[]> {
  const where = ['app_id = $1'];
  const params: unknown[] = [appId];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.channelId !== undefined) add((p) => `channel_id = ${p}`, f.channelId);
  if (f.userId !== undefined) add((p) => `user_id = ${p}`, f.userId);
  if (f.statuses !== undefined) add((p) => `status = ANY(${p}::text[])`, f.statuses);
  if (f.transferring === true) where.push('transfer_requested_at IS NOT NULL');
  if (f.transferring === false) where.push('transfer_requested_at IS NULL');
  if (f.seatId !== undefined) add((p) => `seat_id = ${p}`, f.seatId);
  if (f.queue !== undefined) add((p) => `queue = ${p}`, f.queue);
  if (f.startFrom !== undefined) add((p) => `started_at >= ${p}`, f.startFrom);
  if (f.startTo !== undefined) add((p) => `started_at <= ${p}`, f.startTo);
  if (f.after !== undefined) {
    params.push(f.after.lastMessageAt, f.after.id);
    const a = `$${params.length - 1}`;
    const b = `$${params.length}`;
    where.push(`(last_message_at < ${a} OR (last_message_at = ${a} AND id < ${b}))`);
  }
  params.push(f.size);
  return q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM chat_sessions WHERE ${where.join(' AND ')}
      ORDER BY last_message_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}

export type NewMessage = Omit<MessageRow, 'seq' | 'error_code' | 'error_message'>;

/** Stores messages in array order (their seq follows it); a message already stored is skipped. */
export async function insertMessages(
  q: Queryable,
  messages: readonly NewMessage[],
): Promise<string[]> {
  const inserted: string[] = [];
  for (const m of messages) {
    const rows = await q.query<{ id: string }>(
      `INSERT INTO chat_messages (id, app_id, session_id, sender_type, seat_id, content, reply_to,
         status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        m.id,
        m.app_id,
        m.session_id,
        m.sender_type,
        m.seat_id,
        m.content,
        m.reply_to,
        m.status,
        m.created_at,
      ],
    );
    if (rows[0]) inserted.push(rows[0].id);
  }
  return inserted;
}

export async function findMessage(
  q: Queryable,
  appId: number,
  id: string,
): Promise<MessageRow | undefined> {
  const [row] = await q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE app_id = $1 AND id = $2`,
    [appId, id],
  );
  return row;
}

export async function findMessages(
  q: Queryable,
  appId: number,
  ids: readonly string[],
): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE app_id = $1 AND id = ANY($2::text[])`,
    [appId, ids],
  );
}

/** Newest first; `beforeSeq` pages backwards. */
export async function listMessages(
  q: Queryable,
  appId: number,
  sessionId: string,
  page: { beforeSeq?: number; size: number },
): Promise<MessageRow[]> {
  return q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat_messages
      WHERE app_id = $1 AND session_id = $2 AND ($3::bigint IS NULL OR seq < $3::bigint)
      ORDER BY seq DESC LIMIT $4`,
    [appId, sessionId, page.beforeSeq ?? null, page.size],
  );
}

/** The whole transcript, oldest first (reports). */
export async function transcript(
  q: Queryable,
  appId: number,
  sessionId: string,
): Promise<MessageRow[]> {
  return q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE app_id = $1 AND session_id = $2
      ORDER BY seq`,
    [appId, sessionId],
  );
}

/** The newest message of each session (session lists). */
export async function lastMessages(
  q: Queryable,
  appId: number,
  sessionIds: readonly string[],
): Promise<MessageRow[]> {
  if (sessionIds.length === 0) return [];
  return q.query<MessageRow>(
    `SELECT DISTINCT ON (session_id) ${MESSAGE_COLUMNS} FROM chat_messages
      WHERE app_id = $1 AND session_id = ANY($2::text[]) ORDER BY session_id, seq DESC`,
    [appId, sessionIds],
  );
}

/**
 * Moves a message's status forward (sent → delivery → read; failed from sent or delivery);
 * undefined when it was not a step forward (a late or repeated report changes nothing).
 */
export async function advanceMessageStatus(
  q: Queryable,
  appId: number,
  id: string,
  change: { status: MessageStatus; errorCode: string | null; errorMessage: string | null },
): Promise<MessageRow | undefined> {
  const [row] = await q.query<MessageRow>(
    `UPDATE chat_messages SET status = $3, error_code = $4, error_message = $5
      WHERE app_id = $1 AND id = $2
        AND (CASE status WHEN 'sent' THEN 0 WHEN 'delivery' THEN 1 WHEN 'read' THEN 2 ELSE 3 END)
          < (CASE $3::text WHEN 'sent' THEN 0 WHEN 'delivery' THEN 1 WHEN 'read' THEN 2 ELSE 3 END)
        AND NOT (status = 'read' AND $3::text = 'failed')
      RETURNING ${MESSAGE_COLUMNS}`,
    [appId, id, change.status, change.errorCode, change.errorMessage],
  );
  return row;
}

/** Marks the session's user messages read (all of them, or those ids); returns the ids changed. */
export async function markUserMessagesRead(
  q: Queryable,
  appId: number,
  sessionId: string,
  ids: readonly string[] | undefined,
): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `UPDATE chat_messages SET status = 'read'
      WHERE app_id = $1 AND session_id = $2 AND sender_type = 'user' AND status <> 'read'
        AND ($3::text[] IS NULL OR id = ANY($3::text[]))
      RETURNING id`,
    [appId, sessionId, ids ?? null],
  );
  return rows.map((r) => r.id);
}

/** How many of the session's user messages are not yet read. */
export async function countUnread(q: Queryable, appId: number, sessionId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM chat_messages
      WHERE app_id = $1 AND session_id = $2 AND sender_type = 'user' AND status <> 'read'`,
    [appId, sessionId],
  );
  return row?.n ?? 0;
}
