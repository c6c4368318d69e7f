import { defineEvent } from '../../queue/domain-events.ts';
import { EVENTS } from '../../queue/names.ts';
import type { ChatContent } from './chat-content.ts';

// The chatbot module's domain events (docs/domain-events.md, docs/chatbot.md), published in the
// transaction of the change: the agent inbox, its notifications and the company event reports
// subscribe to them without reading chat_sessions or chat_messages. Payloads are plain JSON.

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** §9.1: the bot asks the integrator for an agent. */
    'chatbot.transfer_request': 'a chatbot session asks for an agent (§9.1)';
    /** §9.2: an agent message's delivery status changed. */
    'chatbot.message_status': 'an agent message changed status (§9.2)';
    /** §9.3: the user wrote while an agent holds the session. */
    'chatbot.user_message': 'the user wrote to an agent-held session (§9.3)';
    /** §9.4: the session ended. */
    'chatbot.session_end': 'a chatbot session ended (§9.4)';
    /** §9.13: the full report after the session (and any agent part) ended. */
    'chatbot.session_report': 'the report of an ended chatbot session (§9.13)';
  }
}

/** Inbox status: who owns the session (docs/chatbot.md maps it to the wire's status). */
export type SessionStatus = 'pending' | 'open' | 'snoozed' | 'resolved';

/** Why a session ended (§5.4 session_end_reason). */
export type EndReason = 'robot' | 'user' | 'agent' | 'timeout' | 'system' | 'api';

export type SenderType = 'user' | 'robot' | 'chatbot' | 'agent' | 'agent_system' | 'system';

/** §5.10 message status. */
export type MessageStatus = 'sent' | 'delivery' | 'read' | 'failed';

/** Why a session's status changed (or, for 'transfer_requested', its handoff began). */
export type ChangeReason =
  | 'start'
  | 'transfer_requested'
  | 'transfer_failed'
  | 'takeover'
  | 'release'
  | 'assign'
  | 'snooze'
  | 'wake'
  | 'reopen'
  | EndReason;

/**
 * `chat.session_changed`: a session's inbox status changed, or a handoff began (`from` and `to`
 * both 'pending', reason 'transfer_requested'). Published once per change.
 */
export interface ChatSessionChanged {
  appId: number;
  sessionId: string;
  channel: string;
  channelId: string;
  userId: string;
  /** null when the session was just created. */
  from: SessionStatus | null;
  to: SessionStatus;
  /** The agent holding the session after the change ('' none). */
  seatId: string;
  queue: string;
  reason: ChangeReason;
  /** ISO 8601 instant. */
  at: string;
}

/** `chat.message_added`: a message entered a session's transcript (any sender). */
export interface ChatMessageAdded {
  appId: number;
  sessionId: string;
  channel: string;
  channelId: string;
  userId: string;
  userName: string | null;
  messageId: string;
  senderType: SenderType;
  seatId: string;
  content: ChatContent;
  replyTo: string | null;
  status: MessageStatus;
  /** ISO 8601 instant. */
  at: string;
}

/**
 * `chat.session_reported`: a session ended (after any agent part) and its §9.13 report was
 * recorded; published once per session, in that transaction. A workflow's chatbot node reads the
 * session's result from it (spec/workflow-api.md §17.6) without reading chat tables.
 */
export interface ChatSessionReported {
  appId: number;
  sessionId: string;
  /** The WABA task whose template opened the session; null when none did. */
  wabaTaskId: string | null;
  /** The template message the user answered to open it; null when none. */
  templateMsgId: string | null;
  userId: string;
  /** Exactly the §9.13 report body (sessionReportPayload), before any channel decoration. */
  report: Record<string, unknown>;
}

export const CHAT_SESSION_CHANGED = defineEvent<ChatSessionChanged>(EVENTS.chatSessionChanged);
export const CHAT_MESSAGE_ADDED = defineEvent<ChatMessageAdded>(EVENTS.chatMessageAdded);
export const CHAT_SESSION_REPORTED = defineEvent<ChatSessionReported>(EVENTS.chatSessionReported);
