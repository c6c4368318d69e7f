import { publish } from '../../queue/domain-events.ts';
import { newId } from '../../shared/ids.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvents, type EventType } from '../webhooks/outbox.ts';
import type { ChatContent, SystemEventType } from './chat-content.ts';
import {
  CHAT_MESSAGE_ADDED,
  CHAT_SESSION_CHANGED,
  type ChangeReason,
  type MessageStatus,
  type SenderType,
  type SessionStatus,
} from './chat-events.ts';
import type { ChatSessionRef, ChatTransport } from './chat-transport.ts';
import * as repo from './chatbot.repository.ts';
import type { MessageRow, SessionPatch, SessionRow } from './chatbot.repository.ts';

// The writes every session change is made of, inside the caller's transaction: messages into
// the transcript (with their chat.message_added events), status changes (with
// chat.session_changed), and AIRudder callbacks into the webhook outbox. Keeping them here
// keeps the service about rules, and makes every change publish what it must.

export interface NewChatMessage {
  id: string;
  senderType: SenderType;
  seatId?: string;
  content: ChatContent;
  replyTo?: string | null;
  status: MessageStatus;
}

export function sessionRef(s: SessionRow): ChatSessionRef {
  return {
    appId: s.app_id,
    id: s.id,
    channel: s.channel,
    channelId: s.channel_id,
    userId: s.user_id,
    userName: s.user_name,
    robotId: s.robot_id,
    seatId: s.seat_id,
  };
}

export function systemMessage(type: SystemEventType, from: string, to: string): NewChatMessage {
  return {
    id: newId(),
    senderType: 'system',
    content: { type: 'system', system: { type, from_seat_id: from, to_seat_id: to } },
    status: 'delivery',
  };
}

/** One session's writes in one transaction; `session` follows every change made through it. */
export class SessionWrites {
  session: SessionRow;
  readonly #tx: Queryable;
  readonly #at: Date;

  constructor(tx: Queryable, session: SessionRow, at: Date) {
    this.#tx = tx;
    this.session = session;
    this.#at = at;
  }

  get tx(): Queryable {
    return this.#tx;
  }

  get at(): Date {
    return this.#at;
  }

  /**
   * Stores messages in order; those already stored (same id) are skipped. `also` is written to
   * the session with the stored messages' last_message_at, in the same statement.
   */
  async addMessages(
    messages: readonly NewChatMessage[],
    also: SessionPatch = {},
  ): Promise<MessageRow[]> {
    if (messages.length === 0) return [];
    const s = this.session;
    const rows = messages.map((m) => ({
      id: m.id,
      app_id: s.app_id,
      session_id: s.id,
      sender_type: m.senderType,
      seat_id: m.seatId ?? '',
      content: m.content,
      reply_to: m.replyTo ?? null,
      status: m.status,
      created_at: this.#at,
    }));
    const inserted = new Set(await repo.insertMessages(this.#tx, rows));
    const stored = rows.filter((r) => inserted.has(r.id));
    await publish(
      this.#tx,
      CHAT_MESSAGE_ADDED,
      stored.map((m) => ({
        id: m.id,
        data: {
          appId: s.app_id,
          sessionId: s.id,
          channel: s.channel,
          channelId: s.channel_id,
          userId: s.user_id,
          userName: s.user_name,
          messageId: m.id,
          senderType: m.sender_type,
          seatId: m.seat_id,
          content: m.content,
          replyTo: m.reply_to,
          status: m.status,
          at: this.#at.toISOString(),
        },
      })),
      this.#at,
    );
    if (stored.length > 0) await this.patch({ ...also, last_message_at: this.#at });
    return stored.map((m) => ({ ...m, seq: 0, error_code: null, error_message: null }));
  }

  /** Sends stored bot or agent messages through the session's transport (in this transaction). */
  async send(transport: ChatTransport, messages: readonly MessageRow[]): Promise<void> {
    for (const m of messages) {
      await transport.send(this.#tx, sessionRef(this.session), {
        id: m.id,
        senderType: m.sender_type,
        content: m.content,
        replyTo: m.reply_to,
      });
    }
  }

  async patch(patch: SessionPatch): Promise<SessionRow> {
    this.session = await repo.updateSession(this.#tx, this.session.app_id, this.session.id, patch);
    return this.session;
  }

  /** The session was just inserted: chat.session_changed from nothing to its status. */
  async created(): Promise<void> {
    await this.#changed(null, 'start');
  }

  /** A status change (or a handoff's start) with its chat.session_changed event. */
  async change(patch: SessionPatch, reason: ChangeReason): Promise<SessionRow> {
    const from = this.session.status;
    await this.patch(patch);
    await this.#changed(from, reason);
    return this.session;
  }

  async #changed(from: SessionStatus | null, reason: ChangeReason): Promise<void> {
    const s = this.session;
    await publish(
      this.#tx,
      CHAT_SESSION_CHANGED,
      [
        {
          id: `${s.id}:${s.version}`,
          data: {
            appId: s.app_id,
            sessionId: s.id,
            channel: s.channel,
            channelId: s.channel_id,
            userId: s.user_id,
            from,
            to: s.status,
            seatId: s.seat_id,
            queue: s.queue,
            reason,
            at: this.#at.toISOString(),
          },
        },
      ],
      this.#at,
    );
  }

  /**
   * An AIRudder-style callback of this session, to `url` (else the app's webhook URL), in the
   * session's delivery group. A barrier waits until every earlier callback of the session is
   * settled (the §9.13 report comes after everything it reports).
   */
  async callback(
    type: EventType,
    payload: Record<string, unknown>,
    url: string | undefined,
    options: { barrier?: boolean } = {},
  ): Promise<void> {
    await recordEvents(this.#tx, [
      {
        appId: this.session.app_id,
        type,
        subjectId: this.session.id,
        group: this.session.id,
        payload,
        ...(options.barrier ? { barrier: true } : {}),
        delivery: { ...(url ? { url } : {}), style: 'airudder' },
      },
    ]);
  }
}
