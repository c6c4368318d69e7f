import { enqueue } from '../../queue/job-types.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { appZone } from '../auth/app-directory.ts';
import type { ConversationService } from '../conversations/conversations.service.ts';
import { messageStatusPayload } from './chat-callbacks.ts';
import type { EndReason, MessageStatus } from './chat-events.ts';
import type { ChatTransport } from './chat-transport.ts';
import { SessionWrites, sessionRef, systemMessage } from './chat-writes.ts';
import { CHATBOT_WAKE } from './chatbot.jobs.ts';
import * as repo from './chatbot.repository.ts';
import {
  IDLE_TIMEOUT_MS,
  type AgentMessageInput,
  type ReceiveInput,
  type SessionListFilter,
  type TransferResultInput,
} from './chat-types.ts';
import { SessionIntake, SessionRaceError, DuplicateMessage } from './session-intake.ts';
import { SessionLifecycle } from './session-lifecycle.ts';
import {
  listPageSize,
  messageView,
  sessionView,
  wireStatusFilter,
  type MessageView,
  type SessionView,
} from './chat-views.ts';

// Chatbot sessions (docs/chatbot.md): a user's messages on a channel, answered by a robot through
// the conversation engine in text mode until an agent takes over, then relayed to the integrator
// (§9.3) while the agent answers through the API (§9.9); the end reports (§9.4, §9.13). Every
// change locks the session row, so the turns and changes of one session run one at a time, and
// stores the transcript, the engine's state, the outbound sends, the domain events and the
// callbacks in one transaction.

/** Tries of a receive that lost the race to start the user's session (the winner is found next). */
const RACE_ATTEMPTS = 3;

export interface ChatbotDeps {
  db: Db;
  clock: Clock;
  conversations: ConversationService;
  /** By channel name: 'WhatsApp', 'SMS', 'Simulated' (messagingTransport), 'HuaWei', 'bot'. */
  transports: Record<string, ChatTransport>;
}

export class ChatbotService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #life: SessionLifecycle;
  readonly #intake: SessionIntake;

  constructor(deps: ChatbotDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#life = new SessionLifecycle(deps.conversations, deps.transports);
    this.#intake = new SessionIntake(this.#life, deps.clock);
  }

  /** Adds (or replaces) the transport of a channel name: the channel variants add theirs. */
  addTransport(channel: string, transport: ChatTransport): void {
    this.#life.transports[channel] = transport;
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
        return await this.#db.transaction(async (tx) =>
          this.#intake.receiveIn(tx, input, messageId),
        );
      } catch (error) {
        if (error instanceof SessionRaceError && attempt < RACE_ATTEMPTS) continue;
        if (!(error instanceof DuplicateMessage)) throw error;
        const stored = await repo.findMessage(this.#db, input.appId, messageId);
        return { sessionId: stored?.session_id ?? '', messageId };
      }
    }
  }

  /**
   * receive() inside the caller's transaction (the one that stored the person's message). It
   * throws where receive() would try again or look the message up (a lost race to start the
   * user's session, the message received before): the caller undoes what this wrote and leaves
   * it to receive(), in a job.
   */
  async receiveIn(tx: Queryable, input: ReceiveInput & { messageId: string }): Promise<void> {
    // The messaging module stored the message under this id in this very transaction.
    await this.#intake.receiveIn(tx, input, input.messageId, { mayBeKnown: false });
  }

  /** §9.5: the integrator's answer to a transfer request. */
  async transferResult(appId: number, input: TransferResultInput): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      const s = w.session;
      if (input.result === 'success') {
        if (!input.seatId) throw new AppError('bad_request', 'seat_id is required on success');
        // The integrator's retry of a result already applied changes nothing.
        if (s.status !== 'pending' && s.seat_id === input.seatId) return;
        if (s.status !== 'pending')
          throw new AppError('bad_request', 'an agent already holds the session');
        await this.#life.takeOverIn(w, input.seatId);
        return;
      }
      if (s.status !== 'pending' || !s.transfer_requested_at) return;
      await w.change({ transfer_requested_at: null }, 'transfer_failed');
      // No agent: the robot continues where its handoff said (agent/release while waiting).
      await this.#life.stepBot(w, { kind: 'agent', event: 'release' });
    });
  }

  /** §9.9: an agent's message to the user; the agent takes the session over by writing. */
  async sendAgentMessage(appId: number, input: AgentMessageInput): Promise<{ msgId: string }> {
    const msgId = newId();
    await this.#change(appId, input.callId, async (w) => {
      const transport = this.#life.transport(w.session);
      if (!(await transport.windowOpen(w.tx, sessionRef(w.session))))
        throw new AppError('outside_window');
      const seatId = input.seatId ?? w.session.seat_id;
      if (w.session.status === 'pending') await this.#life.takeOverIn(w, seatId);
      else if (w.session.status === 'snoozed')
        await w.change({ status: 'open', snoozed_until: null }, 'wake');
      const [row] = await w.addMessages([
        { id: msgId, senderType: input.senderType, seatId, content: input.message, status: 'sent' },
      ]);
      if (row) await w.send(transport, [row]);
      await this.#life.noteAgent(w, input.message, seatId);
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
      await this.#life.takeOverIn(w, input.seatId);
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
      if (w.session.conversation_id)
        await this.#life.stepBot(w, { kind: 'agent', event: 'release' });
      else await this.#life.requestTransfer(w, w.session.queue);
      await this.#life.armIdleTimer(w);
    });
  }

  /** Ends a session: conversation.close, §9.4, then the §9.13 report. */
  async close(
    appId: number,
    input: { callId: string; reason: EndReason; seatId?: string },
  ): Promise<void> {
    await this.#change(appId, input.callId, async (w) => {
      await this.#life.closeIn(w, input.reason, input.seatId);
    });
  }

  /** §9.14: a closed session becomes live again, to the bot or (with a seat) to an agent. */
  async reopen(appId: number, input: { callId: string; seatId?: string }): Promise<void> {
    await this.#change(
      appId,
      input.callId,
      async (w) => {
        if (w.session.status !== 'resolved') return;
        if (!(await this.#life.transport(w.session).windowOpen(w.tx, sessionRef(w.session))))
          throw new AppError('outside_window', 'send a template instead');
        await this.#life.reopenIn(w, input.seatId);
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
        await this.#life.takeOverIn(w, input.seatId);
        return;
      }
      const from = w.session.seat_id;
      if (from === input.seatId) return;
      await w.addMessages([systemMessage('conversation.take_over', from, input.seatId)]);
      await w.change({ seat_id: input.seatId }, 'assign');
      await this.#life.noteAgent(w, undefined, input.seatId);
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
        await this.#life.transport(w.session).markRead(w.tx, sessionRef(w.session), changed);
      },
      { allowClosed: true },
    );
  }

  async listSessions(appId: number, filter: SessionListFilter): Promise<SessionView[]> {
    const size = listPageSize(filter.size);
    let after: repo.SessionFilter['after'];
    if (filter.lastCallId) {
      const cursor = await repo.findSession(this.#db, appId, filter.lastCallId);
      if (!cursor) throw new AppError('session_not_found', `last_call_id ${filter.lastCallId}`);
      after = { lastMessageAt: cursor.last_message_at, id: cursor.id };
    }
    const rows = await repo.listSessions(this.#db, appId, {
      ...(filter.channelId !== undefined ? { channelId: filter.channelId } : {}),
      ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
      ...wireStatusFilter(filter.status),
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
      size: listPageSize(input.size),
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
    await this.#db.transaction((tx) => this.messageStatusIn(tx, appId, change));
  }

  /** messageStatus() inside the caller's transaction (the one that applied the provider's status). */
  async messageStatusIn(
    tx: Queryable,
    appId: number,
    change: Parameters<ChatbotService['messageStatus']>[1],
  ): Promise<void> {
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
      await this.#life.callbackUrl(w),
    );
  }

  /**
   * The inactivity timer: a bot session whose user stayed silent 24 h is closed (timeout). One
   * timer per session at a time, set when the bot starts or gets the session back.
   */
  async expireIdle(appId: number, callId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const session = await repo.lockSession(tx, appId, callId);
      if (!session || session.status !== 'pending') return;
      const now = this.#clock.now();
      const w = new SessionWrites(tx, session, now);
      const last = session.last_user_message_at ?? session.started_at;
      // The user wrote since the timer was set: it goes again, a day after that message.
      if (now.getTime() - last.getTime() < IDLE_TIMEOUT_MS) return this.#life.armIdleTimer(w);
      await this.#life.closeIn(w, 'timeout', undefined);
    });
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

export * from './chat-types.ts';
export { SessionRaceError } from './session-intake.ts';
