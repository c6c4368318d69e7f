import type { ChatContent } from './chat-content.ts';
import type { EndReason, MessageStatus, SenderType, SessionStatus } from './chat-events.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './chat-types.ts';
import type { MessageRow, SessionFilter, SessionRow } from './chatbot.repository.ts';

// Sessions and messages as the service returns them (domain objects: Dates, camelCase). The
// routes and callbacks make the wire shapes from these (chatbot.wire.ts, chat-callbacks.ts).

/** The spec's session status (§5.3), from the inbox status. */
export type WireSessionStatus = 'open' | 'transferring' | 'agent' | 'closed';

export function wireStatusOf(
  s: Pick<SessionRow, 'status' | 'transfer_requested_at'>,
): WireSessionStatus {
  switch (s.status) {
    case 'pending':
      return s.transfer_requested_at ? 'transferring' : 'open';
    case 'open':
    case 'snoozed':
      return 'agent';
    case 'resolved':
      return 'closed';
  }
}

export interface QuotedMessage {
  msgId: string;
  senderType: SenderType;
  at: Date;
  content: ChatContent;
}

export interface MessageView {
  msgId: string;
  callId: string;
  senderType: SenderType;
  seatId: string;
  content: ChatContent;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  at: Date;
  /** The message it quotes (a menu, a template), when it quotes one still stored. */
  reply: QuotedMessage | null;
}

export interface SessionView {
  callId: string;
  channel: string;
  channelId: string;
  user: { id: string; name: string | null };
  robotId: string | null;
  seatId: string;
  queue: string;
  status: SessionStatus;
  wireStatus: WireSessionStatus;
  transferRequestedAt: Date | null;
  snoozedUntil: Date | null;
  wabaTaskId: string | null;
  templateMsgId: string | null;
  variables: Record<string, string>;
  custom: Record<string, string> | null;
  endReason: EndReason | null;
  startedAt: Date;
  endedAt: Date | null;
  lastMessageAt: Date;
  lastUserMessageAt: Date | null;
  unread: number;
  lastMessage: MessageView | null;
  /** The app's IANA zone (times on the wire). */
  zone: string;
}

export function messageView(row: MessageRow, quoted: MessageRow | undefined): MessageView {
  return {
    msgId: row.id,
    callId: row.session_id,
    senderType: row.sender_type,
    seatId: row.seat_id,
    content: row.content,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    at: row.created_at,
    reply: quoted
      ? {
          msgId: quoted.id,
          senderType: quoted.sender_type,
          at: quoted.created_at,
          content: quoted.content,
        }
      : null,
  };
}

export function sessionView(
  row: SessionRow,
  lastMessage: MessageView | null,
  zone: string,
): SessionView {
  return {
    callId: row.id,
    channel: row.channel,
    channelId: row.channel_id,
    user: { id: row.user_id, name: row.user_name },
    robotId: row.robot_id,
    seatId: row.seat_id,
    queue: row.queue,
    status: row.status,
    wireStatus: wireStatusOf(row),
    transferRequestedAt: row.transfer_requested_at,
    snoozedUntil: row.snoozed_until,
    wabaTaskId: row.waba_task_id,
    templateMsgId: row.template_msg_id,
    variables: row.variables,
    custom: row.custom,
    endReason: row.end_reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    lastMessageAt: row.last_message_at,
    lastUserMessageAt: row.last_user_message_at,
    unread: row.unread,
    lastMessage,
    zone,
  };
}

/** A list's page size: the default when none is asked, within 1..MAX_PAGE_SIZE. */
export function listPageSize(size: number | undefined): number {
  return Math.min(Math.max(size ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

/** The sessions a wire status (§5.3) or an inbox status asks for (the inverse of wireStatusOf). */
export function wireStatusFilter(status: string | undefined): Partial<SessionFilter> {
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
