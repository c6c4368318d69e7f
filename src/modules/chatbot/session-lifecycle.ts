import { ConversationEndedError, type Action } from '../../dialogue/conversation.ts';
import { publish } from '../../queue/domain-events.ts';
import { enqueue } from '../../queue/job-types.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { appZone } from '../auth/app-directory.ts';
import type { ConversationService } from '../conversations/conversations.service.ts';
import { usableRobot } from '../robots/robots.service.ts';
import { botTurn, sessionResultOf } from './chat-bot-turn.ts';
import {
  sessionEndPayload,
  sessionReportPayload,
  transferRequestPayload,
} from './chat-callbacks.ts';
import { textOf, type ChatContent } from './chat-content.ts';
import { CHAT_SESSION_REPORTED, type EndReason } from './chat-events.ts';
import type { ChatCallback, ChatTransport, TransferReason } from './chat-transport.ts';
import { IDLE_TIMEOUT_MS } from './chat-types.ts';
import type { SessionWrites } from './chat-writes.ts';
import { sessionRef, systemMessage } from './chat-writes.ts';
import { CHATBOT_IDLE } from './chatbot.jobs.ts';
import * as repo from './chatbot.repository.ts';
import type { MessageRow, SessionRow } from './chatbot.repository.ts';

// The steps a session's changes are made of, inside the session's transaction (the caller holds
// its row lock): the robot's start and turns, the handoff request, an agent taking over, the
// end with its callbacks, the inactivity timer. ChatbotService and SessionIntake combine them.

/** How many recent messages a §9.1 transfer request carries. */
const TRANSFER_HISTORY = 20;

export class SessionLifecycle {
  /** By channel name; ChatbotService.addTransport adds to it. */
  readonly transports: Record<string, ChatTransport>;
  readonly #conversations: ConversationService;

  constructor(conversations: ConversationService, transports: Record<string, ChatTransport>) {
    this.#conversations = conversations;
    this.transports = { ...transports };
  }

  /** A resolved session goes back to the bot (or, with a seat, to that agent). */
  async reopenIn(w: SessionWrites, seatId: string | undefined, opts: { quiet?: boolean } = {}) {
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
      await this.startBot(w);
      await this.armIdleTimer(w);
    }
  }

  /** Starts the session's robot (its opening lines go out), or asks for an agent when none. */
  async startBot(w: SessionWrites): Promise<void> {
    const s = w.session;
    const robot =
      s.robot_id && /^\d+$/.test(s.robot_id)
        ? await usableRobot(w.tx, s.app_id, Number(s.robot_id))
        : undefined;
    if (!robot) {
      await this.requestTransfer(w, s.queue, 'fallback');
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
    await this.applyBot(w, started.actions, 'flow');
  }

  async stepBot(
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
      // A handoff in answer to the user's message is the user's request (a phrase, a choice, an
      // answer that branches to it); in answer to anything else, the script's own (§6.4).
      await this.applyBot(w, actions, input.kind === 'message' ? 'user_request' : 'flow');
    } catch (error) {
      // The robot already ended (its conversation is over): the message stays in the transcript.
      if (!(error instanceof ConversationEndedError)) throw error;
    }
  }

  /** The engine's actions: robot messages out, then a handoff (for `why`) or the end. */
  async applyBot(
    w: SessionWrites,
    actions: readonly Action[],
    why: Exclude<TransferReason, 'fallback'>,
  ): Promise<void> {
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
    if (w.session.status === 'pending') await this.sendBot(w, rows);
    if (turn.end) {
      await w.patch({ result: sessionResultOf(turn.end) });
      if (w.session.status === 'pending') await this.closeIn(w, 'robot', undefined);
      return;
    }
    if (turn.transfer) await this.requestTransfer(w, turn.transfer.target, why);
  }

  /**
   * Sends the robot's messages. One the channel refuses (the window closed before a release
   * made the robot speak, the user opted out) stays in the transcript as failed, with the
   * reason: the session goes on, and nothing is silently dropped.
   */
  async sendBot(w: SessionWrites, rows: readonly MessageRow[]): Promise<void> {
    const transport = this.transport(w.session);
    for (const row of rows) {
      try {
        await w.send(transport, [row]);
      } catch (error) {
        const refused =
          error instanceof AppError &&
          (error.key === 'outside_window' || error.key === 'contact_blocked');
        if (!refused) throw error;
        await repo.advanceMessageStatus(w.tx, w.session.app_id, row.id, {
          status: 'failed',
          errorCode: error.key,
          errorMessage: error.message,
        });
      }
    }
  }

  /** §9.1: ask the integrator (or the channel) for an agent; without a robot, as `fallback`. */
  async requestTransfer(
    w: SessionWrites,
    queue: string,
    reason: TransferReason = 'fallback',
  ): Promise<void> {
    if (w.session.transfer_requested_at) return;
    await w.change({ transfer_requested_at: w.at, queue }, 'transfer_requested');
    const history = await repo.listMessages(w.tx, w.session.app_id, w.session.id, {
      size: TRANSFER_HISTORY,
    });
    await w.callback(
      'chatbot.transfer_request',
      await this.#decorated(w, {
        kind: 'transfer_request',
        reason,
        body: transferRequestPayload(w.session, history.reverse(), w.at),
      }),
      await this.callbackUrl(w),
    );
  }

  /** The agent holds the session from now: the bot falls silent at once. */
  async takeOverIn(w: SessionWrites, seatId: string): Promise<void> {
    const from = w.session.seat_id;
    await w.addMessages([systemMessage('conversation.take_over', from, seatId)]);
    await w.change(
      { status: 'open', seat_id: seatId, transfer_requested_at: null, snoozed_until: null },
      'takeover',
    );
    await this.engineOnly(w, { kind: 'agent', event: 'takeover', agent: seatId });
  }

  /**
   * The agent's line goes into the engine's transcript too (the result's turns). Its actions
   * (the engine echoes the line as a `say`) are not sent: the agent's message already was.
   */
  async noteAgent(w: SessionWrites, content: ChatContent | undefined, seatId: string) {
    const text = content ? textOf(content) : undefined;
    if (text === undefined) return;
    await this.engineOnly(w, { kind: 'agent', event: 'message', agent: seatId, text });
  }

  /** Steps the engine for its state alone (takeover, agent lines): nothing goes out. */
  async engineOnly(
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

  async closeIn(w: SessionWrites, reason: EndReason, seatId: string | undefined): Promise<void> {
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
    const url = await this.callbackUrl(w);
    await w.callback(
      'chatbot.session_end',
      await this.#decorated(w, { kind: 'session_end', body: sessionEndPayload(w.session, w.at) }),
      url,
    );
    const transcript = await repo.transcript(w.tx, s.app_id, s.id);
    const report = sessionReportPayload(w.session, transcript, await appZone(w.tx, s.app_id));
    const ended = w.session;
    await publish(
      w.tx,
      CHAT_SESSION_REPORTED,
      [
        {
          id: ended.id,
          data: {
            appId: ended.app_id,
            sessionId: ended.id,
            wabaTaskId: ended.waba_task_id,
            templateMsgId: ended.template_msg_id,
            userId: ended.user_id,
            report,
          },
        },
      ],
      w.at,
    );
    await w.callback(
      'chatbot.session_report',
      await this.#decorated(w, { kind: 'session_report', body: report }),
      url,
      { barrier: true },
    );
    await w.patch({ report_sent_at: w.at });
  }

  async armIdleTimer(w: SessionWrites): Promise<void> {
    const s = w.session;
    const last = s.last_user_message_at ?? s.started_at;
    await enqueue(
      w.tx,
      CHATBOT_IDLE,
      { app_id: s.app_id, call_id: s.id },
      {
        runAt: new Date(last.getTime() + IDLE_TIMEOUT_MS),
        key: `${s.id}:${last.getTime()}`,
        wake: false,
      },
    );
  }

  /** A core callback's body as the session's channel sends it (ChatTransport.decorate). */
  async #decorated(w: SessionWrites, callback: ChatCallback): Promise<Record<string, unknown>> {
    const transport = this.transport(w.session);
    if (!transport.decorate) return callback.body;
    return transport.decorate(w.tx, sessionRef(w.session), callback);
  }

  async callbackUrl(w: SessionWrites): Promise<string | undefined> {
    return this.transport(w.session).callbackUrl(w.tx, sessionRef(w.session));
  }

  transport(s: Pick<SessionRow, 'channel'>): ChatTransport {
    const transport = this.transports[s.channel];
    if (!transport)
      throw new AppError('channel_not_found', `no transport for channel ${s.channel}`);
    return transport;
  }
}
