import { formatDateTime } from '../../shared/time.ts';
import type { MessageRow, SessionRow } from './chatbot.repository.ts';

// The AIRudder callback bodies of spec/chatbot-api.md §9.1–§9.4 and §9.13, made from stored
// rows. Messages in callbacks take the §5.9 callback shape: the quoted message in full.

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function user(s: SessionRow): { id: string; name?: string } {
  return s.user_name ? { id: s.user_id, name: s.user_name } : { id: s.user_id };
}

/** §5.6 with the §5.9 callback `reply` shape. */
export function callbackMessage(
  m: MessageRow,
  quoted: ReadonlyMap<string, MessageRow>,
): Record<string, unknown> {
  const q = m.reply_to ? quoted.get(m.reply_to) : undefined;
  return {
    msg_id: m.id,
    sender_type: m.sender_type,
    timestamp: seconds(m.created_at),
    status: m.status,
    content: m.content,
    ...(q
      ? {
          reply: {
            msg_id: q.id,
            sender_type: q.sender_type,
            timestamp: seconds(q.created_at),
            content: q.content,
          },
        }
      : {}),
  };
}

const byId = (rows: readonly MessageRow[]) => new Map(rows.map((m) => [m.id, m]));

/** §9.1: the bot asks for an agent. */
export function transferRequestPayload(
  s: SessionRow,
  history: readonly MessageRow[],
  at: Date,
): Record<string, unknown> {
  const quoted = byId(history);
  return {
    call_id: s.id,
    channel: s.channel,
    channel_id: s.channel_id,
    user: user(s),
    robot_id: s.robot_id ?? '',
    timestamp: seconds(at),
    ...(s.template_msg_id ? { template_msg_id: s.template_msg_id } : {}),
    queue: s.queue,
    variables: s.variables,
    ner_slots: s.result?.slots ?? {},
    messages: history.map((m) => callbackMessage(m, quoted)),
  };
}

/** §9.2: an agent message's status changed. */
export function messageStatusPayload(
  s: SessionRow,
  m: MessageRow,
  at: Date,
): Record<string, unknown> {
  return {
    call_id: s.id,
    msg_id: m.id,
    channel: s.channel,
    channel_id: s.channel_id,
    user: { id: s.user_id },
    status: m.status,
    timestamp: seconds(at),
    error_code: m.error_code ?? '',
    error_message: m.error_message ?? '',
  };
}

/** §9.3: what the user wrote while an agent holds the session. */
export function userMessagesPayload(
  s: SessionRow,
  messages: readonly MessageRow[],
  quoted: readonly MessageRow[],
): Record<string, unknown> {
  const q = byId(quoted);
  return {
    call_id: s.id,
    channel: s.channel,
    channel_id: s.channel_id,
    user: user(s),
    seat_id: s.seat_id,
    messages: messages.map((m) => callbackMessage(m, q)),
  };
}

/** §9.4: the session ended. */
export function sessionEndPayload(s: SessionRow, at: Date): Record<string, unknown> {
  return {
    call_id: s.id,
    channel: s.channel,
    channel_id: s.channel_id,
    user: { id: s.user_id },
    seat_id: s.seat_id,
    status: 'closed',
    session_end_reason: s.end_reason ?? 'system',
    timestamp: seconds(at),
  };
}

/** §9.13: the whole session, after it (and any agent part) ended. */
export function sessionReportPayload(
  s: SessionRow,
  transcript: readonly MessageRow[],
  zone: string,
): Record<string, unknown> {
  const quoted = byId(transcript);
  return {
    call_id: s.id,
    channel: s.channel,
    channel_id: s.channel_id,
    user: user(s),
    robot_id: s.robot_id ?? '',
    waba_task_id: s.waba_task_id ?? '',
    template_msg_id: s.template_msg_id ?? '',
    status: 'closed',
    session_start_time: formatDateTime(s.started_at, zone),
    session_end_time: s.ended_at ? formatDateTime(s.ended_at, zone) : '',
    session_end_reason: s.end_reason ?? 'system',
    intention: s.result?.intention ?? '',
    talk_round: s.result?.talkRound ?? 0,
    ner_slots: s.result?.slots ?? {},
    event_label: s.result?.labels ?? {},
    variables: s.variables,
    messages: transcript.map((m) => callbackMessage(m, quoted)),
  };
}
