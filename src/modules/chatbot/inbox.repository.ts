import type { Queryable } from '../../store/db.ts';

// SQL of the agent inbox (docs/agent-inbox.md): its agents, and the reads of the chatbot's
// sessions it lists and counts. Every statement is scoped to one app. Sessions are only read
// here: every change goes through ChatbotService, which publishes the change's events.

export interface AgentRow {
  seat_id: string;
  name: string;
  queues: string[];
  created_at: Date;
}

export async function upsertAgent(
  q: Queryable,
  appId: number,
  agent: { seatId: string; name: string; queues: string[] },
  now: Date,
): Promise<{ row: AgentRow; created: boolean }> {
  const [row] = await q.query<AgentRow & { created: boolean }>(
    `INSERT INTO chat_agents (app_id, seat_id, name, queues, created_at)
     VALUES ($1, $2, $3, $4::text[], $5)
     ON CONFLICT (app_id, seat_id) DO UPDATE SET name = excluded.name, queues = excluded.queues
     RETURNING seat_id, name, queues, created_at, (xmax = 0) AS created`,
    [appId, agent.seatId, agent.name, agent.queues, now],
  );
  const { created, ...rest } = row!;
  return { row: rest, created };
}

export async function listAgents(q: Queryable, appId: number): Promise<AgentRow[]> {
  return q.query<AgentRow>(
    `SELECT seat_id, name, queues, created_at FROM chat_agents WHERE app_id = $1 ORDER BY seat_id`,
    [appId],
  );
}

export async function findAgent(
  q: Queryable,
  appId: number,
  seatId: string,
): Promise<AgentRow | undefined> {
  const [row] = await q.query<AgentRow>(
    `SELECT seat_id, name, queues, created_at FROM chat_agents WHERE app_id = $1 AND seat_id = $2`,
    [appId, seatId],
  );
  return row;
}

export async function deleteAgent(q: Queryable, appId: number, seatId: string): Promise<boolean> {
  const rows = await q.query(
    `DELETE FROM chat_agents WHERE app_id = $1 AND seat_id = $2 RETURNING seat_id`,
    [appId, seatId],
  );
  return rows.length > 0;
}

export interface QueueCountRow {
  queue: string;
  pending: number;
  waiting: number;
  open: number;
  snoozed: number;
  unread: number;
  agents: number;
}

/**
 * Every queue the app has (named by an agent or by a live session) with its counts: sessions the
 * bot holds, those among them waiting for an agent, those agents hold, snoozed ones, and the user
 * messages no agent has read in live sessions. Resolved sessions count nowhere.
 */
export async function queueCounts(q: Queryable, appId: number): Promise<QueueCountRow[]> {
  return q.query<QueueCountRow>(
    `WITH names AS (
       SELECT unnest(queues) AS queue FROM chat_agents WHERE app_id = $1
       UNION SELECT queue FROM chat_sessions WHERE app_id = $1 AND status <> 'resolved'
     ),
     counts AS (
       SELECT queue,
         count(*) FILTER (WHERE status = 'pending')::int AS pending,
         count(*) FILTER (WHERE status = 'pending' AND transfer_requested_at IS NOT NULL)::int AS waiting,
         count(*) FILTER (WHERE status = 'open')::int AS open,
         count(*) FILTER (WHERE status = 'snoozed')::int AS snoozed,
         coalesce(sum(unread), 0)::int AS unread
       FROM chat_sessions WHERE app_id = $1 AND status <> 'resolved' GROUP BY queue
     ),
     staff AS (
       SELECT unnest(queues) AS queue, count(*)::int AS agents FROM chat_agents
       WHERE app_id = $1 GROUP BY 1
     )
     SELECT n.queue, coalesce(c.pending, 0) AS pending, coalesce(c.waiting, 0) AS waiting,
       coalesce(c.open, 0) AS open, coalesce(c.snoozed, 0) AS snoozed,
       coalesce(c.unread, 0) AS unread, coalesce(s.agents, 0) AS agents
     FROM names n LEFT JOIN counts c USING (queue) LEFT JOIN staff s USING (queue)
     ORDER BY n.queue`,
    [appId],
  );
}

export interface ConversationFilter {
  /** Inbox status, or 'waiting': bot-held sessions whose handoff waits for an agent. */
  status?: 'pending' | 'waiting' | 'open' | 'snoozed' | 'resolved';
  queue?: string;
  /** The agent holding it; '' for none. */
  seatId?: string;
  channel?: string;
  channelId?: string;
  page: number;
  pageSize: number;
}

export interface ConversationRow {
  id: string;
  channel: string;
  channel_id: string;
  user_id: string;
  user_name: string | null;
  robot_id: string | null;
  status: 'pending' | 'open' | 'snoozed' | 'resolved';
  transfer_requested_at: Date | null;
  seat_id: string;
  queue: string;
  snoozed_until: Date | null;
  end_reason: string | null;
  started_at: Date;
  ended_at: Date | null;
  last_message_at: Date;
  unread: number;
  last_msg_id: string | null;
  last_sender_type: string | null;
  last_seat_id: string | null;
  last_content: unknown;
  last_status: string | null;
  last_created_at: Date | null;
}

function where(filter: Omit<ConversationFilter, 'page' | 'pageSize'>, params: unknown[]) {
  const clauses = ['s.app_id = $1'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.status === 'waiting') {
    clauses.push(`s.status = 'pending' AND s.transfer_requested_at IS NOT NULL`);
  } else if (filter.status) add('s.status = ?', filter.status);
  if (filter.queue !== undefined) add('s.queue = ?', filter.queue);
  if (filter.seatId !== undefined) add('s.seat_id = ?', filter.seatId);
  if (filter.channel !== undefined) add('s.channel = ?', filter.channel);
  if (filter.channelId !== undefined) add('s.channel_id = ?', filter.channelId);
  return clauses.join(' AND ');
}

const CONVERSATION_COLUMNS = `s.id, s.channel, s.channel_id, s.user_id, s.user_name, s.robot_id,
  s.status, s.transfer_requested_at, s.seat_id, s.queue, s.snoozed_until, s.end_reason,
  s.started_at, s.ended_at, s.last_message_at, s.unread,
  m.id AS last_msg_id, m.sender_type AS last_sender_type, m.seat_id AS last_seat_id,
  m.content AS last_content, m.status AS last_status, m.created_at AS last_created_at`;

const LAST_MESSAGE = `LEFT JOIN LATERAL (
    SELECT id, sender_type, seat_id, content, status, created_at FROM chat_messages
    WHERE app_id = s.app_id AND session_id = s.id ORDER BY seq DESC LIMIT 1
  ) m ON true`;

/** A page of conversations, the most recently active first, with the total that match. */
export async function listConversations(
  q: Queryable,
  appId: number,
  filter: ConversationFilter,
): Promise<{ total: number; rows: ConversationRow[] }> {
  const params: unknown[] = [appId];
  const sql = where(filter, params);
  const [count] = await q.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM chat_sessions s WHERE ${sql}`,
    params,
  );
  params.push(filter.pageSize, (filter.page - 1) * filter.pageSize);
  const rows = await q.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM chat_sessions s ${LAST_MESSAGE}
     WHERE ${sql}
     ORDER BY s.last_message_at DESC, s.id
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { total: count?.total ?? 0, rows };
}

export async function findConversation(
  q: Queryable,
  appId: number,
  id: string,
): Promise<ConversationRow | undefined> {
  const [row] = await q.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM chat_sessions s ${LAST_MESSAGE}
     WHERE s.app_id = $1 AND s.id = $2`,
    [appId, id],
  );
  return row;
}
