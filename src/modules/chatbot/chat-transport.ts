import type { OutboundContent } from '../../channels/messaging/messaging-channel.ts';
import { AppError } from '../../shared/errors.ts';
import type { Queryable } from '../../store/db.ts';
import { contentToOutbound, type ChatContent } from './chat-content.ts';
import type { SenderType } from './chat-events.ts';

// How a session's replies leave: one ChatTransport per channel name ('WhatsApp', 'SMS',
// 'Simulated' through the messaging module; 'HuaWei' and 'bot' through their callbacks, written
// by the channel variants). The chatbot service calls it inside the transaction that stores the
// message, so a send is queued if and only if the transcript says it was sent.

/** The session a transport sends for. */
export interface ChatSessionRef {
  appId: number;
  id: string;
  channel: string;
  channelId: string;
  userId: string;
  userName: string | null;
  robotId: string | null;
  seatId: string;
}

export interface OutgoingChatMessage {
  id: string;
  senderType: SenderType;
  content: ChatContent;
  /** Our id of the message it quotes. */
  replyTo: string | null;
}

/**
 * Why the bot asks for an agent: §6.4's `reason`. `user_request`: the user's message led the
 * robot to its handoff (a handoff phrase, a choice, an answer whose branch is the handoff);
 * `flow`: the script reached its handoff node by itself (the opening, a release, a timeout);
 * `fallback`: the session has no robot, so every session goes to an agent.
 */
export type TransferReason = 'user_request' | 'flow' | 'fallback';

/** One of the core's AIRudder callbacks (§9.1, §9.4, §9.13) as the chatbot built it. */
export type ChatCallback =
  | { kind: 'transfer_request'; reason: TransferReason; body: Record<string, unknown> }
  | { kind: 'session_end'; body: Record<string, unknown> }
  | { kind: 'session_report'; body: Record<string, unknown> };

export interface ChatTransport {
  /**
   * Queues one bot or agent message in tx. Throws AppError outside_window, contact_blocked or
   * unsupported_content when the channel refuses it (nothing is queued then).
   */
  send(tx: Queryable, session: ChatSessionRef, message: OutgoingChatMessage): Promise<void>;
  /** Whether a free-form message may go now (WhatsApp's 24-hour window; others: always). */
  windowOpen(q: Queryable, session: ChatSessionRef): Promise<boolean>;
  /** Read receipts for the user's messages (our ids), where the channel has them. */
  markRead(tx: Queryable, session: ChatSessionRef, messageIds: string[]): Promise<void>;
  /** Where this session's AIRudder-style callbacks go; undefined: the app's webhook URL. */
  callbackUrl(q: Queryable, session: ChatSessionRef): Promise<string | undefined>;
  /** The bot the channel answers with when no template named one (null: agents only). */
  defaultRobotId(
    q: Queryable,
    session: Pick<ChatSessionRef, 'appId' | 'channelId'>,
  ): Promise<string | null>;
  /**
   * Optional: the body of a core callback as this channel's variant sends it (the Huawei and bot
   * channels' §6.4/§6.5, §7.3–§7.5: their own `channel` name, `reason`, `summary`), called in
   * the transaction that records it. Absent (the messaging channels): the core's body as is.
   */
  decorate?(
    q: Queryable,
    session: ChatSessionRef,
    callback: ChatCallback,
  ): Promise<Record<string, unknown>>;
}

/** A messaging channel as the chatbot sees it (MessagingService.channelInfo's answer). */
export interface ChatChannelInfo {
  channelId: string;
  channel: string;
  defaultRobotId: string | null;
  callbackUrl: string | null;
}

/** What the chatbot asks of the messaging module: MessagingService satisfies it. */
export interface ChatMessaging {
  sendFreeForm(
    tx: Queryable,
    appId: number,
    send: {
      channelId: string;
      userId: string;
      messageId: string;
      content: OutboundContent;
      conversationId?: string;
      replyToMessageId?: string;
    },
  ): Promise<void>;
  windowOf(
    q: Queryable,
    appId: number,
    channelId: string,
    userId: string,
  ): Promise<{ open: boolean; expiresAt: Date | null }>;
  markRead(tx: Queryable, appId: number, channelId: string, messageIds: string[]): Promise<void>;
  channelInfo(q: Queryable, appId: number, channelId: string): Promise<ChatChannelInfo | undefined>;
}

/** WhatsApp, SMS and the simulated channel: sends through the messaging module's queue. */
export function messagingTransport(messaging: ChatMessaging): ChatTransport {
  return {
    async send(tx, session, message) {
      const content = contentToOutbound(message.content);
      if (!content) throw new AppError('unsupported_content', `type ${message.content.type}`);
      await messaging.sendFreeForm(tx, session.appId, {
        channelId: session.channelId,
        userId: session.userId,
        messageId: message.id,
        content,
        conversationId: session.id,
        ...(message.replyTo ? { replyToMessageId: message.replyTo } : {}),
      });
    },
    async windowOpen(q, session) {
      // SMS has no customer-service window: an agent may always answer.
      if (session.channel === 'SMS') return true;
      const window = await messaging.windowOf(q, session.appId, session.channelId, session.userId);
      return window.open;
    },
    async markRead(tx, session, messageIds) {
      if (messageIds.length > 0)
        await messaging.markRead(tx, session.appId, session.channelId, messageIds);
    },
    async callbackUrl(q, session) {
      const info = await messaging.channelInfo(q, session.appId, session.channelId);
      return info?.callbackUrl ?? undefined;
    },
    async defaultRobotId(q, session) {
      const info = await messaging.channelInfo(q, session.appId, session.channelId);
      return info?.defaultRobotId ?? null;
    },
  };
}

/** The messaging channels' names, which all go through messagingTransport. */
export const MESSAGING_CHANNELS = ['WhatsApp', 'SMS', 'Simulated'] as const;
