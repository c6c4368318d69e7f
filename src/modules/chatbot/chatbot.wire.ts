import type { Static } from 'typebox';
import { formatDateTime } from '../../shared/time.ts';
import type { ChatContent } from './chat-content.ts';
import type { MessageEntry, SessionEntry } from './chatbot.schema.ts';
import type { MessageView, SessionView } from './chat-views.ts';

// Sessions and messages on the wire of §9.6 and §9.7.

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** §5.9's message-list `reply`: the quoted content flattened beside its id. */
function flatReply(msgId: string, content: ChatContent): Record<string, unknown> {
  return { msg_id: msgId, ...content };
}

export function messageEntry(m: MessageView): Static<typeof MessageEntry> {
  return {
    msg_id: m.msgId,
    seat_id: m.seatId,
    timestamp: seconds(m.at),
    sender_type: m.senderType,
    status: m.status,
    content: m.content,
    ...(m.reply ? { reply: flatReply(m.reply.msgId, m.reply.content) } : {}),
  };
}

export function sessionEntry(s: SessionView): Static<typeof SessionEntry> {
  return {
    call_id: s.callId,
    channel: s.channel,
    channel_id: s.channelId,
    user: { id: s.user.id, name: s.user.name ?? '' },
    robot_id: s.robotId ?? '',
    seat_id: s.seatId,
    status: s.wireStatus,
    session_start_time: formatDateTime(s.startedAt, s.zone),
    session_end_time: s.endedAt ? formatDateTime(s.endedAt, s.zone) : '',
    unread: s.unread,
    last_msg: s.lastMessage
      ? {
          msg_id: s.lastMessage.msgId,
          sender_type: s.lastMessage.senderType,
          timestamp: seconds(s.lastMessage.at),
          content: s.lastMessage.content,
        }
      : null,
  };
}
