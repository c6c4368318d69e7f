import { appZone } from '../auth/app-directory.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { formatDateTime, parseDateTime } from '../../shared/time.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { ChatbotService } from './chatbot.service.ts';
import type { MessageView } from './chat-views.ts';
import type { ChatContent } from './chat-content.ts';
import {
  deleteAgent,
  findAgent,
  findConversation,
  listAgents,
  listConversations,
  queueCounts,
  upsertAgent,
  type AgentRow,
  type ConversationFilter,
  type ConversationRow,
} from './inbox.repository.ts';
import { wireStatusOf } from './chat-views.ts';

// The agent inbox (docs/agent-inbox.md): agents and their queues, and the conversations the
// chatbot holds seen the way an agent works them (bot-owned pending, human-owned open, snoozed,
// resolved). Reads come from the chatbot's tables; every change is a ChatbotService call, which
// stops the bot, stores the system message and publishes the change in one transaction.

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The ChatbotService calls the inbox makes. */
export type InboxChatbot = Pick<
  ChatbotService,
  | 'takeOver'
  | 'release'
  | 'close'
  | 'reopen'
  | 'snooze'
  | 'assign'
  | 'markRead'
  | 'sendAgentMessage'
  | 'listMessages'
>;

export function agentView(row: AgentRow, zone: string) {
  return {
    seat_id: row.seat_id,
    name: row.name,
    queues: row.queues,
    create_time: formatDateTime(row.created_at, zone),
  };
}

export function conversationView(row: ConversationRow, zone: string) {
  const time = (d: Date | null) => (d ? formatDateTime(d, zone) : null);
  return {
    call_id: row.id,
    channel: row.channel,
    channel_id: row.channel_id,
    user: { id: row.user_id, name: row.user_name },
    robot_id: row.robot_id,
    status: row.status,
    session_status: wireStatusOf(row),
    waiting: row.status === 'pending' && row.transfer_requested_at !== null,
    seat_id: row.seat_id,
    queue: row.queue,
    unread: row.unread,
    snoozed_until: time(row.snoozed_until),
    end_reason: row.end_reason,
    start_time: formatDateTime(row.started_at, zone),
    end_time: time(row.ended_at),
    last_message_time: formatDateTime(row.last_message_at, zone),
    last_message:
      row.last_msg_id && row.last_created_at
        ? {
            msg_id: row.last_msg_id,
            sender_type: row.last_sender_type ?? '',
            seat_id: row.last_seat_id ?? '',
            timestamp: seconds(row.last_created_at),
            status: row.last_status ?? '',
            content: row.last_content,
          }
        : null,
  };
}

/** A transcript message as the inbox shows it: §5.6 with the quoted message in full (§5.9). */
export function inboxMessage(m: MessageView) {
  return {
    msg_id: m.msgId,
    sender_type: m.senderType,
    seat_id: m.seatId,
    timestamp: seconds(m.at),
    status: m.status,
    content: m.content,
    ...(m.errorCode ? { error_code: m.errorCode, error_message: m.errorMessage ?? '' } : {}),
    ...(m.reply
      ? {
          reply: {
            msg_id: m.reply.msgId,
            sender_type: m.reply.senderType,
            timestamp: seconds(m.reply.at),
            content: m.reply.content,
          },
        }
      : {}),
  };
}

export class InboxService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #chatbot: InboxChatbot;

  constructor(db: Db, clock: Clock, chatbot: InboxChatbot) {
    this.#db = db;
    this.#clock = clock;
    this.#chatbot = chatbot;
  }

  async putAgent(appId: number, agent: { seatId: string; name: string; queues?: string[] }) {
    const zone = await appZone(this.#db, appId);
    const { row, created } = await upsertAgent(
      this.#db,
      appId,
      { seatId: agent.seatId, name: agent.name, queues: agent.queues ?? ['default'] },
      this.#clock.now(),
    );
    return { agent: agentView(row, zone), created };
  }

  async listAgents(appId: number) {
    const zone = await appZone(this.#db, appId);
    return { list: (await listAgents(this.#db, appId)).map((a) => agentView(a, zone)) };
  }

  async removeAgent(appId: number, seatId: string) {
    if (!(await deleteAgent(this.#db, appId, seatId)))
      throw new AppError('not_found', `no agent with seat_id ${seatId}`);
    return { seat_id: seatId };
  }

  async queues(appId: number) {
    return { list: await queueCounts(this.#db, appId) };
  }

  async conversations(
    appId: number,
    query: {
      status?: ConversationFilter['status'];
      queue?: string;
      assignee?: string;
      channel?: string;
      channel_id?: string;
      page?: number;
      page_size?: number;
    },
  ) {
    const zone = await appZone(this.#db, appId);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const { total, rows } = await listConversations(this.#db, appId, {
      ...(query.status ? { status: query.status } : {}),
      ...(query.queue !== undefined ? { queue: query.queue } : {}),
      ...(query.assignee !== undefined
        ? { seatId: query.assignee === 'none' ? '' : query.assignee }
        : {}),
      ...(query.channel !== undefined ? { channel: query.channel } : {}),
      ...(query.channel_id !== undefined ? { channelId: query.channel_id } : {}),
      page,
      pageSize,
    });
    return {
      total,
      page,
      page_size: pageSize,
      list: rows.map((r) => conversationView(r, zone)),
    };
  }

  async conversation(appId: number, callId: string) {
    const zone = await appZone(this.#db, appId);
    return { conversation: conversationView(await this.#find(this.#db, appId, callId), zone) };
  }

  async detail(appId: number, callId: string, page: { lastMsgId?: string; size?: number }) {
    const { conversation } = await this.conversation(appId, callId);
    const messages = await this.#chatbot.listMessages(appId, {
      callId,
      ...(page.lastMsgId ? { lastMsgId: page.lastMsgId } : {}),
      size: page.size ?? 50,
    });
    return { conversation, messages: messages.map(inboxMessage) };
  }

  async assign(appId: number, callId: string, seatId: string, queue?: string) {
    await this.#agent(appId, seatId);
    await this.#chatbot.assign(appId, { callId, seatId, ...(queue ? { queue } : {}) });
    return this.conversation(appId, callId);
  }

  async takeOver(appId: number, callId: string, seatId: string) {
    await this.#agent(appId, seatId);
    await this.#chatbot.takeOver(appId, { callId, seatId });
    return this.conversation(appId, callId);
  }

  async release(appId: number, callId: string) {
    await this.#chatbot.release(appId, { callId });
    return this.conversation(appId, callId);
  }

  async send(
    appId: number,
    callId: string,
    input: { seatId: string; senderType: 'agent' | 'agent_system'; content: ChatContent },
  ) {
    await this.#agent(appId, input.seatId);
    const { msgId } = await this.#chatbot.sendAgentMessage(appId, {
      callId,
      senderType: input.senderType,
      seatId: input.seatId,
      message: input.content,
    });
    return { msg_id: msgId };
  }

  async markRead(appId: number, callId: string, msgIds?: string[]) {
    await this.#chatbot.markRead(appId, { callId, ...(msgIds ? { msgIds } : {}) });
    return this.conversation(appId, callId);
  }

  async snooze(appId: number, callId: string, until?: string) {
    let at: Date | undefined;
    if (until !== undefined) {
      at = parseDateTime(until, await appZone(this.#db, appId));
      if (!at) throw new AppError('bad_request', 'until must be YYYY-MM-DD HH:MM:SS');
      if (at.getTime() <= this.#clock.now().getTime())
        throw new AppError('bad_request', 'until must be in the future');
    }
    await this.#chatbot.snooze(appId, { callId, ...(at ? { until: at } : {}) });
    return this.conversation(appId, callId);
  }

  async resolve(appId: number, callId: string, seatId?: string) {
    if (seatId) await this.#agent(appId, seatId);
    await this.#chatbot.close(appId, { callId, reason: 'agent', ...(seatId ? { seatId } : {}) });
    return this.conversation(appId, callId);
  }

  async reopen(appId: number, callId: string, seatId?: string) {
    if (seatId) await this.#agent(appId, seatId);
    await this.#chatbot.reopen(appId, { callId, ...(seatId ? { seatId } : {}) });
    return this.conversation(appId, callId);
  }

  async #find(q: Queryable, appId: number, callId: string) {
    const row = await findConversation(q, appId, callId);
    if (!row) throw new AppError('session_not_found', `no conversation ${callId}`);
    return row;
  }

  /** Only the app's own agents act in its inbox: a typo in a seat id is an error, not a ghost. */
  async #agent(appId: number, seatId: string) {
    if (!(await findAgent(this.#db, appId, seatId)))
      throw new AppError('agent_not_found', `no agent with seat_id ${seatId}`);
  }
}
