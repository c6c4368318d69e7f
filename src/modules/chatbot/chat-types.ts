import type { TemplateOrigin } from '../messaging/messaging-events.ts';
import type { ChatContent, WireTemplate } from './chat-content.ts';

// The chatbot service's inputs and limits (docs/chatbot.md), shared by its parts.

/** A bot session with no user message this long is closed (reason timeout). */
export const IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** A resolved session the user writes to within this time reopens; later, a new session starts. */
export const REOPEN_WINDOW_MS = 24 * 60 * 60 * 1000;
/** §9.6 / §9.7 page sizes. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

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
