// The company event reports of spec/chatbot-api.md §10.2–§10.4: every message a person sends,
// every message the channel sends (bot, template, agent) and every status change of those, pushed
// to the customer's own system. Payload shapes only; event-report.ts decides when.

/** Who the report is about. */
export interface ReportSession {
  callId: string;
  /** The company: the app's name. */
  company: string;
  /** The session's own channel (WhatsApp, SMS, HuaWei, bot...). */
  channel: string;
  channelId: string;
  userId: string;
  userName: string | null;
}

export interface ReportMessage {
  msgId: string;
  senderType: string;
  at: Date;
  content: unknown;
}

const unix = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * The envelope observed on §10.3: `channel` is "chatbot" (the product reporting, as the doc's
 * example shows), the session's own channel is in `channel_type` (ours: the doc has no field for
 * it, and a customer with WhatsApp and SMS sessions needs it).
 */
function head(event: string, s: ReportSession, withName: boolean) {
  const user: Record<string, string> = { id: s.userId };
  if (withName && s.userName) user.name = s.userName;
  return {
    event,
    call_id: s.callId,
    company: s.company,
    channel: 'chatbot',
    channel_type: s.channel,
    channel_id: s.channelId,
    user,
  };
}

const wireMessage = (m: ReportMessage) => ({
  msg_id: m.msgId,
  sender_type: m.senderType,
  timestamp: unix(m.at),
  content: m.content,
});

/** §10.2 `message.receive`: the person's messages. */
export function messageReceiveReport(s: ReportSession, messages: readonly ReportMessage[]) {
  return { ...head('message.receive', s, true), messages: messages.map(wireMessage) };
}

/** §10.3 `message.send`: what the channel sent (bot, template, agent). */
export function messageSendReport(s: ReportSession, messages: readonly ReportMessage[]) {
  return { ...head('message.send', s, true), messages: messages.map(wireMessage) };
}

/** §10.4 `message.status`: a sent message's delivery status moved on. */
export function messageStatusReport(
  s: ReportSession,
  change: {
    msgId: string;
    status: string;
    at: Date;
    errorCode: string | null;
    errorMessage: string | null;
  },
) {
  return {
    ...head('message.status', s, false),
    msg_id: change.msgId,
    status: change.status,
    timestamp: unix(change.at),
    error_code: change.errorCode ?? '',
    error_message: change.errorMessage ?? '',
  };
}

/** Which report a stored message makes: people's messages are received, the channel's are sent. */
export function reportKindOf(senderType: string): 'receive' | 'send' | undefined {
  if (senderType === 'user') return 'receive';
  if (['robot', 'chatbot', 'agent', 'agent_system'].includes(senderType)) return 'send';
  // System events (conversation.start, take_over, close) are not messages of the channel.
  return undefined;
}
