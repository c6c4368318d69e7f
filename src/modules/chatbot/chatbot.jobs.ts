import type { EagerJobSubscriber } from '../../queue/domain-events.ts';
import { defineJob, handleJob, intField, textField, type Payload } from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { MessageReceived, MessageStatusChanged } from '../messaging/messaging-events.ts';
import { contentFromInbound } from './chat-content.ts';
import type { MessageStatus } from './chat-events.ts';
import type { ChatbotService } from './chatbot.service.ts';

// The chatbot's jobs: a person's message (message.received) becomes a turn, a sent message's
// status (message.status_changed) updates the transcript (both first tried in the publisher's
// transaction, see chatbotTurns), and each bot session's inactivity timer. Every handler can run twice: receive is keyed by the message id, a status only moves
// forward, the timer re-checks the session's last user message under its lock.

/** The stored message.received event: its payload is the event's data as JSON. */
export type ChatTurn = MessageReceived & Payload;

export const CHATBOT_TURN = defineJob<ChatTurn>(QUEUES.chatbotTurn, {
  decode: (stored) => {
    textField(stored, 'messageId');
    textField(stored, 'channelId');
    textField(stored, 'userId');
    return stored as ChatTurn;
  },
});

export type ChatStatus = MessageStatusChanged & Payload;

export const CHATBOT_STATUS = defineJob<ChatStatus>(QUEUES.chatbotStatus, {
  decode: (stored) => {
    textField(stored, 'messageId');
    return stored as ChatStatus;
  },
});

export interface ChatIdle extends Record<string, unknown> {
  app_id: number;
  call_id: string;
}

export const CHATBOT_IDLE = defineJob<ChatIdle>(QUEUES.chatbotIdle, {
  decode: (stored) => ({
    app_id: intField(stored, 'app_id'),
    call_id: textField(stored, 'call_id'),
  }),
});

export const CHATBOT_WAKE = defineJob<ChatIdle>(QUEUES.chatbotWake, {
  decode: (stored) => ({
    app_id: intField(stored, 'app_id'),
    call_id: textField(stored, 'call_id'),
  }),
});

/**
 * message.received → a chatbot turn, answered in the transaction that stored the message; only a
 * turn that throws there (a lost race to start the session, a deadlock, a robot's error) becomes
 * a job, which retries it.
 */
export function chatbotTurns(
  chatbot: Pick<ChatbotService, 'receiveIn'>,
): EagerJobSubscriber<MessageReceived, ChatTurn> {
  return {
    name: QUEUES.chatbotTurn,
    job: CHATBOT_TURN,
    select: ({ data }) => ({ ...data }),
    run: (tx, event) => chatbot.receiveIn(tx, receiveInput(event)),
  };
}

/**
 * message.status_changed of a message a chatbot session sent (its conversationId is the
 * session), applied to the transcript in the status's own transaction, or else by a job.
 */
export function chatbotStatuses(
  chatbot: Pick<ChatbotService, 'messageStatusIn'>,
): EagerJobSubscriber<MessageStatusChanged, ChatStatus> {
  return {
    name: QUEUES.chatbotStatus,
    job: CHATBOT_STATUS,
    select: ({ data }) => (data.conversationId ? { ...data } : undefined),
    run: (tx, event) => chatbot.messageStatusIn(tx, event.appId, statusChange(event)),
  };
}

const STATUS: Record<MessageStatusChanged['status'], MessageStatus> = {
  sent: 'sent',
  delivered: 'delivery',
  read: 'read',
  failed: 'failed',
};

function receiveInput(event: ChatTurn) {
  return {
    appId: event.appId,
    channel: event.channel,
    channelId: event.channelId,
    userId: event.userId,
    userName: event.userName,
    messageId: event.messageId,
    at: new Date(event.at),
    content: contentFromInbound(event.content),
    replyTo: event.replyToMessageId,
    template: event.template,
  };
}

function statusChange(event: ChatStatus) {
  return {
    messageId: event.messageId,
    status: STATUS[event.status],
    at: new Date(event.at),
    errorCode: event.errorCode,
    errorMessage: event.errorMessage,
  };
}

export function chatbotTurnJob(chatbot: Pick<ChatbotService, 'receive'>) {
  return handleJob(CHATBOT_TURN, async (event) => {
    await chatbot.receive(receiveInput(event));
  });
}

export function chatbotStatusJob(chatbot: Pick<ChatbotService, 'messageStatus'>) {
  return handleJob(CHATBOT_STATUS, async (event) => {
    await chatbot.messageStatus(event.appId, statusChange(event));
  });
}

export function chatbotIdleJob(chatbot: Pick<ChatbotService, 'expireIdle'>) {
  return handleJob(CHATBOT_IDLE, async ({ app_id, call_id }) => {
    await chatbot.expireIdle(app_id, call_id);
  });
}

export function chatbotWakeJob(chatbot: Pick<ChatbotService, 'wake'>) {
  return handleJob(CHATBOT_WAKE, async ({ app_id, call_id }) => {
    await chatbot.wake(app_id, call_id);
  });
}
