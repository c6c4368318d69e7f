import { ConversationEndedError, type Action } from '../../dialogue/conversation.ts';
import { enqueue } from '../../queue/job-types.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { appZone } from '../auth/app-directory.ts';
import type { ConversationService } from '../conversations/conversations.service.ts';
import type { TemplateOrigin } from '../messaging/messaging-events.ts';
import { usableRobot } from '../robots/robots.service.ts';
import { botTurn, sessionResultOf } from './chat-bot-turn.ts';
import {
  sessionEndPayload,
  sessionReportPayload,
  transferRequestPayload,
  userMessagesPayload,
  messageStatusPayload,
} from './chat-callbacks.ts';
import { textOf, type ChatContent, type WireTemplate } from './chat-content.ts';
import type { EndReason, MessageStatus } from './chat-events.ts';
import type { ChatTransport } from './chat-transport.ts';
import { SessionWrites, sessionRef, systemMessage, type NewChatMessage } from './chat-writes.ts';
import { CHATBOT_IDLE, CHATBOT_WAKE } from './chatbot.jobs.ts';
import * as repo from './chatbot.repository.ts';
import type { MessageRow, SessionRow } from './chatbot.repository.ts';
import { messageView, sessionView, type MessageView, type SessionView } from './chat-views.ts';

// Chatbot sessions (docs/chatbot.md): a user's messages on a channel, answered by a robot through
// the conversation engine in text mode until an agent takes over, then relayed to the integrator
// (§9.3) while the agent answers through the API (§9.9); the end reports (§9.4, §9.13). Every
// change locks the session row, so the turns and changes of one session run one at a time, and
// stores the transcript, the engine's state, the outbound sends, the domain events and the
// callbacks in one transaction.

/** A bot session with no user message this long is closed (reason timeout). */
export const IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** A resolved session the user writes to within this time reopens; later, a new session starts. */
export const REOPEN_WINDOW_MS = 24 * 60 * 60 * 1000;
/** §9.6 / §9.7 page sizes. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Tries of a receive that lost the race to start the user's session (the winner is found next). */
const RACE_ATTEMPTS = 3;
/** How many recent messages a §9.1 transfer request carries. */
const TRANSFER_HISTORY = 20;

/** A template answer may carry what the template showed (§5.13); older senders give only ids. */
export type TemplateAnswer = TemplateOrigin & {
  language?: string;
  content?: WireTemplate['content'];
};

export interface ReceiveInput {
  appId: number;
  /** 'WhatsApp' | 'SMS' | 'Simulated' | 'HuaWei' | 'bot'. */
  channel: string;
  channelId: string;
  userId: string;
  userName?: string | null;
  /** Our id of the user's message (the messaging module's); a new one when absent. */
  messageId?: string;
  at?: Date;
  content: ChatContent;
  /** Our id of the message it quotes or answers. */
  replyTo?: string | null;
  template?: TemplateAnswer | null;
  /** The bot to start with when no template names one (else the channel's default). */
  robotId?: string;
  variables?: Record<string, string>;
  /** The channel's own session id (Huawei, bot channels); ours (32 hex) when absent. */
  sessionId?: string;
}

export interface TransferResultInput {
  callId: string;
  result: 'success' | 'failed';
  seatId?: string;
  reason?: string;
}

export interface AgentMessageInput {
  callId: string;
  senderType: 'agent' | 'agent_system';
  seatId?: string;
  message: ChatContent;
}

export interface SessionListFilter {
  channelId?: string;
  userId?: string;
  /** Wire status (open | transferring | agent | closed) or inbox status (pending | open | snoozed | resolved). */
  status?: string;
  seatId?: string;
  queue?: string;
  startTime?: Date;
  endTime?: Date;
  lastCallId?: string;
  size?: number;
}

export interface ChatbotDeps {
  db: Db;
  clock: Clock;
  conversations: ConversationService;
  /** By channel name: 'WhatsApp', 'SMS', 'Simulated' (messagingTransport), 'HuaWei', 'bot'. */
  transports: Record<string, ChatTransport>;
}

/** The user's message was stored before (a redelivered event): nothing is done twice. */
class DuplicateMessage extends Error {}

export class ChatbotService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #conversations: ConversationService;
  readonly #transports: Record<string, ChatTransport>;

  constructor(deps: ChatbotDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#conversations = deps.conversations;
    this.#transports = { ...deps.transports };
  }

  /** Adds (or replaces) the transport of a channel name: the channel variants add theirs. */
  addTransport(channel: string, transport: ChatTransport): void {
    this.#transports[channel] = transport;
  }

  /**
   * A user's message: into the user's live session (or a reopened or new one), then to the bot
   * (pending), or to the integrator (§9.3) while an agent holds the session. Running it again
   * for the same messageId changes nothing.
   */
  async receive(input: ReceiveInput): Promise<{ sessionId: string; messageId: string }> {
    const messageId = input.messageId ?? newId();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(async (tx) => this.#receiveIn(tx, input, messageId));
      } catch (error) {
        if (error instanceof SessionRaceError && attempt < RACE_ATTEMPTS) continue;
        if (!(error instanceof DuplicateMessage)) throw error;
        const stored = await repo.findMessage(this.#db, input.appId, messageId);
        return { sessionId: stored?.session_id ?? '', messageId };
      }
    }
  }

  /** §9.5: the integrator's answer to a transfer request. */
  async transferResult(appId: number, input: TransferResultInput): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      const s = w.session;
      if (input.result === 'success') {
        if (!input.seatId) throw new AppError('bad_request', 'seat_id is required on success');
        if (s.status !== 'pending')
          throw new AppError('bad_request', 'an agent already holds the session');
        await this.#takeOverIn(w, input.seatId);
        return;
      }
      if (s.status !== 'pending' || !s.transfer_requested_at) return;
      await w.change({ transfer_requested_at: null }, 'transfer_failed');
      // No agent: the robot continues where its handoff said (agent/release while waiting).
      await this.#stepBot(w, { kind: 'agent', event: 'release' });
    });
  }

  /** §9.9: an agent's message to the user; the agent takes the session over by writing. */
  async sendAgentMessage(appId: number, input: AgentMessageInput): Promise<{ msgId: string }> {
    const msgId = newId();
    await this.#change(appId, input.callId, async (w) => {
      const transport = this.#transport(w.session);
      if (!(await transport.windowOpen(w.tx, sessionRef(w.session))))
        throw new AppError('outside_window');
      const seatId = input.seatId ?? w.session.seat_id;
      if (w.session.status === 'pending') await this.#takeOverIn(w, seatId);
      else if (w.session.status === 'snoozed')
        await w.change({ status: 'open', snoozed_until: null }, 'wake');
      const [row] = await w.addMessages([
        { id: msgId, senderType: input.senderType, seatId, content: input.message, status: 'sent' },
      ]);
      if (row) await w.send(transport, [row]);
      await this.#noteAgent(w, input.message, seatId);
    });
    return { msgId };
  }

  /** An agent takes a pending session directly (no transfer request needed). */
  async takeOver(appId: number, input: { callId: string; seatId: string }): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      if (w.session.status !== 'pending') {
        if (w.session.seat_id === input.seatId) return;
        throw new AppError('bad_request', 'an agent already holds the session: assign it instead');
      }
      await this.#takeOverIn(w, input.seatId);
    });
  }

  /** Hands an agent's session back to the bot (which asks its question again). */
  async release(appId: number, input: { callId: string }): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      if (w.session.status === 'pending') return;
      await w.change(
        { status: 'pending', seat_id: '', snoozed_until: null, transfer_requested_at: null },
        'release',
      );
      if (w.session.conversation_id) await this.#stepBot(w, { kind: 'agent', event: 'release' });
      else await this.#requestTransfer(w, w.session.queue);
      await this.#armIdleTimer(w);
    });
  }

  /** Ends a session: conversation.close, §9.4, then the §9.13 report. */
  async close(
    appId: number,
    input: { callId: string; reason: EndReason; seatId?: string },
  ): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      await this.#closeIn(w, input.reason, input.seatId);
    });
  }

  /** §9.14: a closed session becomes live again, to the bot or (with a seat) to an agent. */
  async reopen(appId: number, input: { callId: string; seatId?: string }): Promise<void> {
    await this.#change(
      appId,
      input.callId,
      async (w) => {
        if (w.session.status !== 'resolved') return;
        if (!(await this.#transport(w.session).windowOpen(w.tx, sessionRef(w.session))))
          throw new AppError('outside_window', 'send a template instead');
        await this.#reopenIn(w, input.seatId);
      },
      { allowClosed: true },
    );
  }

  /** Sets a held session aside until a time (or the user's next message). */
  async snooze(appId: number, input: { callId: string; until?: Date }): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      if (w.session.status !== 'open' && w.session.status !== 'snoozed')
        throw new AppError('bad_request', 'only a session an agent holds can be snoozed');
      await w.change({ status: 'snoozed', snoozed_until: input.until ?? null }, 'snooze');
      if (input.until)
        await enqueue(
          w.tx,
          CHATBOT_WAKE,
          { app_id: appId, call_id: input.callId },
          { runAt: input.until, key: `${input.callId}:${input.until.getTime()}` },
        );
    });
  }

  /** A snooze's time came: the session is the agent's (open) again, if still snoozed till then. */
  async wake(appId: number, callId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const session = await repo.lockSession(tx, appId, callId);
      const now = this.#clock.now();
      if (session?.status !== 'snoozed' || !session.snoozed_until) return;
      if (session.snoozed_until.getTime() > now.getTime()) return;
      await new SessionWrites(tx, session, now).change(
        { status: 'open', snoozed_until: null },
        'wake',
      );
    });
  }

  /** Gives the session to an agent (and queue): a pending one is taken over on their behalf. */
  async assign(
    appId: number,
    input: { callId: string; seatId: string; queue?: string },
  ): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      if (input.queue !== undefined) await w.patch({ queue: input.queue });
      if (w.session.status === 'pending') {
        await this.#takeOverIn(w, input.seatId);
        return;
      }
      const from = w.session.seat_id;
      if (from === input.seatId) return;
      await w.addMessages([systemMessage('conversation.take_over', from, input.seatId)]);
      await w.change({ seat_id: input.seatId }, 'assign');
      await this.#noteAgent(w, undefined, input.seatId);
    });
  }

  /** §9.8: the user's messages (all, or those ids) are read; read receipts go to the channel. */
  async markRead(appId: number, input: { callId: string; msgIds?: string[] }): Promise<void> {
    await this.#change(
      appId,
      input.callId,
      async (w) => {
        const changed = await repo.markUserMessagesRead(w.tx, appId, w.session.id, input.msgIds);
        const unread = await repo.countUnread(w.tx, appId, w.session.id);
        await w.patch({ unread });
        await this.#transport(w.session).markRead(w.tx, sessionRef(w.session), changed);
      },
      { allowClosed: true },
    );
  }

  async listSessions(appId: number, filter: SessionListFilter): Promise<SessionView[]> {
    const size = pageSize(filter.size);
    let after: repo.SessionFilter['after'];
    if (filter.lastCallId) {
      const cursor = await repo.findSession(this.#db, appId, filter.lastCallId);
      if (!cursor) throw new AppError('session_not_found', `last_call_id ${filter.lastCallId}`);
      after = { lastMessageAt: cursor.last_message_at, id: cursor.id };
    }
    const rows = await repo.listSessions(this.#db, appId, {
      ...(filter.channelId !== undefined ? { channelId: filter.channelId } : {}),
      ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
      ...statusFilter(filter.status),
      ...(filter.seatId !== undefined ? { seatId: filter.seatId } : {}),
      ...(filter.queue !== undefined ? { queue: filter.queue } : {}),
      ...(filter.startTime !== undefined ? { startFrom: filter.startTime } : {}),
      ...(filter.endTime !== undefined ? { startTo: filter.endTime } : {}),
      ...(after ? { after } : {}),
      size,
    });
    const zone = await appZone(this.#db, appId);
    const last = await repo.lastMessages(
      this.#db,
      appId,
      rows.map((r) => r.id),
    );
    const lastBySession = new Map(last.map((m) => [m.session_id, m]));
    return rows.map((r) => {
      const m = lastBySession.get(r.id);
      return sessionView(r, m ? messageView(m, undefined) : null, zone);
    });
  }

  /** §9.7: newest first; `lastMsgId` pages backwards from that message. */
  async listMessages(
    appId: number,
    input: { callId: string; lastMsgId?: string; size?: number },
  ): Promise<MessageView[]> {
    const session = await repo.findSession(this.#db, appId, input.callId);
    if (!session) throw new AppError('session_not_found', `call_id ${input.callId}`);
    let beforeSeq: number | undefined;
    if (input.lastMsgId) {
      const cursor = await repo.findMessage(this.#db, appId, input.lastMsgId);
      if (!cursor || cursor.session_id !== session.id)
        throw new AppError(
          'bad_request',
          `last_msg_id ${input.lastMsgId} is not a message of this session`,
        );
      beforeSeq = cursor.seq;
    }
    const rows = await repo.listMessages(this.#db, appId, session.id, {
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      size: pageSize(input.size),
    });
    const quoted = await repo.findMessages(
      this.#db,
      appId,
      rows.flatMap((r) => (r.reply_to ? [r.reply_to] : [])),
    );
    const byId = new Map(quoted.map((q) => [q.id, q]));
    return rows.map((r) => messageView(r, r.reply_to ? byId.get(r.reply_to) : undefined));
  }

  async getSession(appId: number, callId: string): Promise<SessionView> {
    const row = await repo.findSession(this.#db, appId, callId);
    if (!row) throw new AppError('session_not_found', `call_id ${callId}`);
    const [last] = await repo.listMessages(this.#db, appId, row.id, { size: 1 });
    return sessionView(
      row,
      last ? messageView(last, undefined) : null,
      await appZone(this.#db, appId),
    );
  }

  /**
   * A sent message's status moved on (message.status_changed): the transcript follows, and an
   * agent message's change is called back (§9.2). A late or repeated report changes nothing.
   */
  async messageStatus(
    appId: number,
    change: {
      messageId: string;
      status: MessageStatus;
      at: Date;
      errorCode?: string | null;
      errorMessage?: string | null;
    },
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const message = await repo.findMessage(tx, appId, change.messageId);
      if (!message) return;
      const session = await repo.lockSession(tx, appId, message.session_id);
      if (!session) return;
      const moved = await repo.advanceMessageStatus(tx, appId, message.id, {
        status: change.status,
        errorCode: change.errorCode ?? null,
        errorMessage: change.errorMessage ?? null,
      });
      if (!moved) return;
      if (moved.sender_type !== 'agent' && moved.sender_type !== 'agent_system') return;
      const w = new SessionWrites(tx, session, this.#clock.now());
      await w.callback(
        'chatbot.message_status',
        messageStatusPayload(session, moved, change.at),
        await this.#callbackUrl(w),
      );
    });
  }

  /** The inactivity timer: a bot session whose user stayed silent 24 h is closed (timeout). */
  async expireIdle(appId: number, callId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const session = await repo.lockSession(tx, appId, callId);
      if (!session || session.status !== 'pending') return;
      const now = this.#clock.now();
      const last = session.last_user_message_at ?? session.started_at;
      if (now.getTime() - last.getTime() < IDLE_TIMEOUT_MS) return;
      await this.#closeIn(new SessionWrites(tx, session, now), 'timeout', undefined);
    });
  }

  // ---- inside a session's transaction ----

  async #receiveIn(
    tx: Queryable,
    input: ReceiveInput,
    messageId: string,
  ): Promise<{ sessionId: string; messageId: string }> {
    if (await repo.findMessage(tx, input.appId, messageId)) throw new DuplicateMessage();
    const at = input.at ?? this.#clock.now();
    const now = this.#clock.now();
    const { w, fresh } = await this.#sessionFor(tx, input, now);
    const template = input.template ?? null;
    if (fresh && template) {
      await w.addMessages([templateMessage(template)]);
    }
    // The user's message; a choice quotes the menu it answers, a template tap the template.
    const replyTo =
      input.replyTo ??
      (input.content.type === 'button' && template ? template.templateMsgId : null) ??
      (input.content.type === 'interactive' ? await this.#lastMenu(w) : null);
    const [stored] = await w.addMessages([
      { id: messageId, senderType: 'user', content: input.content, replyTo, status: 'delivery' },
    ]);
    if (!stored) throw new DuplicateMessage();
    await w.patch({
      last_user_message_at: at,
      unread: w.session.unread + 1,
      ...(input.userName ? { user_name: input.userName } : {}),
    });
    const s = w.session;
    if (s.status === 'open' || s.status === 'snoozed') {
      if (s.status === 'snoozed') await w.change({ status: 'open', snoozed_until: null }, 'wake');
      const quoted = stored.reply_to
        ? await repo.findMessages(tx, s.app_id, [stored.reply_to])
        : [];
      await w.callback(
        'chatbot.user_message',
        userMessagesPayload(w.session, [stored], quoted),
        await this.#callbackUrl(w),
      );
    } else if (fresh) {
      await this.#startBot(w);
    } else if (s.conversation_id) {
      const text = textOf(input.content);
      if (text !== undefined) await this.#stepBot(w, { kind: 'message', text });
    }
    if (w.session.status === 'pending') await this.#armIdleTimer(w);
    return { sessionId: w.session.id, messageId };
  }

  /** The user's live session, a resolved one reopened (to the bot), or a new one. */
  async #sessionFor(
    tx: Queryable,
    input: ReceiveInput,
    now: Date,
  ): Promise<{ w: SessionWrites; fresh: boolean }> {
    const wantsNew = Boolean(input.template);
    if (input.sessionId) {
      const own = await repo.lockSession(tx, input.appId, input.sessionId);
      if (own) {
        const w = new SessionWrites(tx, own, now);
        if (own.status !== 'resolved') return { w, fresh: false };
        await this.#reopenIn(w, undefined, { quiet: true });
        return { w, fresh: true };
      }
      // The channel started a new session of its own: the user's previous one is over.
      const live = await repo.lockLatestSession(tx, input.appId, input.channelId, input.userId);
      if (live && live.status !== 'resolved')
        await this.#closeIn(new SessionWrites(tx, live, now), 'system', undefined);
    } else {
      const latest = await repo.lockLatestSession(tx, input.appId, input.channelId, input.userId);
      if (latest && latest.status !== 'resolved')
        return { w: new SessionWrites(tx, latest, now), fresh: false };
      if (
        latest &&
        !wantsNew &&
        latest.ended_at &&
        now.getTime() - latest.ended_at.getTime() < REOPEN_WINDOW_MS
      ) {
        const w = new SessionWrites(tx, latest, now);
        await this.#reopenIn(w, undefined, { quiet: true });
        return { w, fresh: true };
      }
    }
    const created = await this.#createSession(tx, input, now);
    return { w: created, fresh: true };
  }

  async #createSession(tx: Queryable, input: ReceiveInput, now: Date): Promise<SessionWrites> {
    const template = input.template ?? null;
    const transport = this.#transports[input.channel];
    if (!transport)
      throw new AppError('channel_not_found', `no transport for channel ${input.channel}`);
    const robotId =
      template?.robotId ??
      input.robotId ??
      (await transport.defaultRobotId(tx, { appId: input.appId, channelId: input.channelId }));
    const id = input.sessionId ?? newId();
    const inserted = await repo.insertSession(tx, {
      id,
      app_id: input.appId,
      channel: input.channel,
      channel_id: input.channelId,
      user_id: input.userId,
      user_name: input.userName ?? null,
      robot_id: robotId,
      status: 'pending',
      waba_task_id: template?.wabaTaskId ?? null,
      template_msg_id: template?.templateMsgId ?? null,
      variables: { ...(template?.variables ?? {}), ...(input.variables ?? {}) },
      custom: template?.custom ?? null,
      started_at: now,
    });
    if (!inserted) {
      // A channel's own session id that another app already uses cannot be ours too.
      if (
        input.sessionId &&
        (await repo.sessionIdTaken(tx, id)) &&
        !(await repo.findSession(tx, input.appId, id))
      )
        throw new AppError('bad_request', `session id ${id} is already in use`);
      // Lost a race with another message of the same user: trying again finds its session.
      throw new SessionRaceError();
    }
    const row = await repo.lockSession(tx, input.appId, id);
    if (!row) throw new Error(`chat session ${id} vanished after insert`);
    const w = new SessionWrites(tx, row, now);
    await w.created();
    await w.addMessages([systemMessage('conversation.start', '', '')]);
    return w;
  }

  /** A resolved session goes back to the bot (or, with a seat, to that agent). */
  async #reopenIn(w: SessionWrites, seatId: string | undefined, opts: { quiet?: boolean } = {}) {
    await w.change(
      {
        status: seatId ? 'open' : 'pending',
        seat_id: seatId ?? '',
        end_reason: null,
        ended_at: null,
        report_sent_at: null,
        transfer_requested_at: null,
        conversation_id: null,
        result: null,
        snoozed_until: null,
      },
      'reopen',
    );
    if (seatId) {
      await w.addMessages([systemMessage('conversation.take_over', '', seatId)]);
      return;
    }
    await w.addMessages([systemMessage('conversation.start', '', '')]);
    // Reopened by the user's message: the bot starts after that message is stored.
    if (!opts.quiet) {
      await this.#startBot(w);
      await this.#armIdleTimer(w);
    }
  }

  /** Starts the session's robot (its opening lines go out), or asks for an agent when none. */
  async #startBot(w: SessionWrites): Promise<void> {
    const s = w.session;
    const robot =
      s.robot_id && /^\d+$/.test(s.robot_id)
        ? await usableRobot(w.tx, s.app_id, Number(s.robot_id))
        : undefined;
    if (!robot) {
      await this.#requestTransfer(w, s.queue);
      return;
    }
    const started = await this.#conversations.startIn(w.tx, s.app_id, {
      robot,
      vars: s.variables,
      channel: 'chat',
      contact: s.user_id,
      timeZone: await appZone(w.tx, s.app_id),
    });
    await w.patch({ conversation_id: started.id });
    await this.#applyBot(w, started.actions);
  }

  async #stepBot(
    w: SessionWrites,
    input: Parameters<ConversationService['handleIn']>[3],
  ): Promise<void> {
    const s = w.session;
    if (!s.conversation_id) return;
    try {
      const { actions } = await this.#conversations.handleIn(
        w.tx,
        s.app_id,
        s.conversation_id,
        input,
      );
      await this.#applyBot(w, actions);
    } catch (error) {
      // The robot already ended (its conversation is over): the message stays in the transcript.
      if (!(error instanceof ConversationEndedError)) throw error;
    }
  }

  /** The engine's actions: robot messages out, then a handoff or the end. */
  async #applyBot(w: SessionWrites, actions: readonly Action[]): Promise<void> {
    const turn = botTurn(actions, newId());
    const rows = await w.addMessages(
      turn.messages.map((m) => ({
        id: m.id,
        senderType: 'robot',
        content: m.content,
        status: 'sent',
      })),
    );
    // The bot speaks only while it owns the session.
    if (w.session.status === 'pending') await w.send(this.#transport(w.session), rows);
    if (turn.end) {
      await w.patch({ result: sessionResultOf(turn.end) });
      if (w.session.status === 'pending') await this.#closeIn(w, 'robot', undefined);
      return;
    }
    if (turn.transfer) await this.#requestTransfer(w, turn.transfer.target);
  }

  /** §9.1: ask the integrator (or the channel) for an agent. */
  async #requestTransfer(w: SessionWrites, queue: string): Promise<void> {
    if (w.session.transfer_requested_at) return;
    await w.change({ transfer_requested_at: w.at, queue }, 'transfer_requested');
    const history = await repo.listMessages(w.tx, w.session.app_id, w.session.id, {
      size: TRANSFER_HISTORY,
    });
    await w.callback(
      'chatbot.transfer_request',
      transferRequestPayload(w.session, history.reverse(), w.at),
      await this.#callbackUrl(w),
    );
  }

  /** The agent holds the session from now: the bot falls silent at once. */
  async #takeOverIn(w: SessionWrites, seatId: string): Promise<void> {
    const from = w.session.seat_id;
    await w.addMessages([systemMessage('conversation.take_over', from, seatId)]);
    await w.change(
      { status: 'open', seat_id: seatId, transfer_requested_at: null, snoozed_until: null },
      'takeover',
    );
    await this.#engineOnly(w, { kind: 'agent', event: 'takeover', agent: seatId });
  }

  /**
   * The agent's line goes into the engine's transcript too (the result's turns). Its actions
   * (the engine echoes the line as a `say`) are not sent: the agent's message already was.
   */
  async #noteAgent(w: SessionWrites, content: ChatContent | undefined, seatId: string) {
    const text = content ? textOf(content) : undefined;
    if (text === undefined) return;
    await this.#engineOnly(w, { kind: 'agent', event: 'message', agent: seatId, text });
  }

  /** Steps the engine for its state alone (takeover, agent lines): nothing goes out. */
  async #engineOnly(
    w: SessionWrites,
    input: Parameters<ConversationService['handleIn']>[3],
  ): Promise<void> {
    const s = w.session;
    if (!s.conversation_id) return;
    try {
      await this.#conversations.handleIn(w.tx, s.app_id, s.conversation_id, input);
    } catch (error) {
      if (!(error instanceof ConversationEndedError)) throw error;
    }
  }

  async #closeIn(w: SessionWrites, reason: EndReason, seatId: string | undefined): Promise<void> {
    const s = w.session;
    if (s.status === 'resolved') throw new AppError('session_closed', `call_id ${s.id}`);
    // The engine's result: the robot's own end, or the conversation cut where it was.
    if (s.conversation_id && !s.result) {
      try {
        const { state } = await this.#conversations.handleIn(w.tx, s.app_id, s.conversation_id, {
          kind: 'hangup',
        });
        await w.patch({ result: sessionResultOf(state.result) });
      } catch (error) {
        if (!(error instanceof ConversationEndedError)) throw error;
      }
    }
    const lastSeat = seatId ?? s.seat_id;
    await w.addMessages([systemMessage('conversation.close', '', lastSeat)]);
    await w.change(
      {
        status: 'resolved',
        end_reason: reason,
        ended_at: w.at,
        transfer_requested_at: null,
        snoozed_until: null,
        seat_id: lastSeat,
      },
      reason,
    );
    const url = await this.#callbackUrl(w);
    await w.callback('chatbot.session_end', sessionEndPayload(w.session, w.at), url);
    const transcript = await repo.transcript(w.tx, s.app_id, s.id);
    await w.callback(
      'chatbot.session_report',
      sessionReportPayload(w.session, transcript, await appZone(w.tx, s.app_id)),
      url,
      { barrier: true },
    );
    await w.patch({ report_sent_at: w.at });
  }

  async #armIdleTimer(w: SessionWrites): Promise<void> {
    const s = w.session;
    const last = s.last_user_message_at ?? s.started_at;
    await enqueue(
      w.tx,
      CHATBOT_IDLE,
      { app_id: s.app_id, call_id: s.id },
      {
        runAt: new Date(last.getTime() + IDLE_TIMEOUT_MS),
        key: `${s.id}:${last.getTime()}`,
      },
    );
  }

  async #lastMenu(w: SessionWrites): Promise<string | null> {
    const recent = await repo.listMessages(w.tx, w.session.app_id, w.session.id, { size: 20 });
    return (
      recent.find((m) => m.sender_type === 'robot' && m.content.type === 'interactive')?.id ?? null
    );
  }

  async #callbackUrl(w: SessionWrites): Promise<string | undefined> {
    return this.#transport(w.session).callbackUrl(w.tx, sessionRef(w.session));
  }

  #transport(s: Pick<SessionRow, 'channel'>): ChatTransport {
    const transport = this.#transports[s.channel];
    if (!transport)
      throw new AppError('channel_not_found', `no transport for channel ${s.channel}`);
    return transport;
  }

  /** Runs a change under the session's lock; a closed session refuses it unless allowed. */
  async #change(
    appId: number,
    callId: string,
    run: (w: SessionWrites) => Promise<void>,
    options: { allowClosed?: boolean } = {},
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const session = await repo.lockSession(tx, appId, callId);
      if (!session) throw new AppError('session_not_found', `call_id ${callId}`);
      if (session.status === 'resolved' && !options.allowClosed)
        throw new AppError('session_closed', `call_id ${callId}`);
      await run(new SessionWrites(tx, session, this.#clock.now()));
    });
  }
}

/** Another message of the same user created their session first: retry (the job does). */
export class SessionRaceError extends Error {
  constructor() {
    super('another message started this user’s session at the same time; try again');
    this.name = 'SessionRaceError';
  }
}

function templateMessage(t: TemplateAnswer): NewChatMessage {
  return {
    id: t.templateMsgId,
    senderType: 'chatbot',
    content: {
      type: 'template',
      template: {
        type: 'WhatsApp',
        content: t.content ?? { body: '' },
        info: { id: t.templateId, name: t.templateName, language: t.language ?? '' },
      },
    },
    status: 'read',
  };
}

function pageSize(size: number | undefined): number {
  return Math.min(Math.max(size ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

function statusFilter(status: string | undefined): Partial<repo.SessionFilter> {
  switch (status) {
    case undefined:
    case '':
      return {};
    case 'open':
      return { statuses: ['pending'], transferring: false };
    case 'transferring':
      return { statuses: ['pending'], transferring: true };
    case 'agent':
      return { statuses: ['open', 'snoozed'] };
    case 'closed':
    case 'resolved':
      return { statuses: ['resolved'] };
    case 'pending':
    case 'snoozed':
      return { statuses: [status] };
    default:
      throw new AppError('bad_request', `status "${status}"`);
  }
}

export type { MessageRow };
