import type { DeliveryStatus, InboundContent } from '../../channels/messaging/messaging-channel.ts';
import { defineEvent } from '../../queue/domain-events.ts';
import { EVENTS } from '../../queue/names.ts';

// The messaging module's domain events (docs/domain-events.md): the facts the chatbot, workflows
// and webhooks react to without reading the messaging tables. Published inside the transaction
// that stored the message or status; payloads are plain JSON (job subscribers store them).

/** The template send a person's message answers, when it answers one. */
export interface TemplateOrigin {
  /** The batch (send template message, §8.4) or single send's task id. */
  wabaTaskId: string;
  /** Our id of the template message answered. */
  templateMsgId: string;
  templateId: number;
  templateName: string;
  /** The chatbot bound to the send (robot id), when one was. */
  robotId: string | null;
  /** Values the send carried (`variables`, `custom`), for the chatbot's session. */
  variables: Record<string, string>;
  custom: Record<string, string> | null;
  /** The template's language, and what it showed the person (its values filled), §5.13. */
  language?: string;
  content?: {
    header?: { type: string; media?: { origin_url: string }; text?: string };
    body: string;
    footer?: string;
    button?: Array<{ type: string; text: string }>;
  };
}

/** `message.received`: a person wrote to one of the app's channels. Once per provider message. */
export interface MessageReceived {
  appId: number;
  /** Our channel (WABA account, SMS sender) by its public id: the spec's `channel_id`. */
  channelId: string;
  /** 'WhatsApp', 'SMS' or 'Simulated'. */
  channel: string;
  /** The person: E.164 digits without '+' (the spec's `user.id`). */
  userId: string;
  userName: string | null;
  /** Our 32-hex id of the stored message. */
  messageId: string;
  /** ISO 8601 instant. */
  at: string;
  content: InboundContent;
  /** Our id of the message it quotes or answers, if any. */
  replyToMessageId: string | null;
  /** Set when it answers a template send. */
  template: TemplateOrigin | null;
}

/** `message.status_changed`: a message we sent moved on (monotonic: never back). */
export interface MessageStatusChanged {
  appId: number;
  channelId: string;
  userId: string;
  /** Our id, as given by the sender (the chatbot's msg_id, a template_msg_id). */
  messageId: string;
  status: DeliveryStatus;
  /** ISO 8601 instant of the change. */
  at: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** What the sender attached to the send: a chatbot session id, a WABA task id. */
  conversationId: string | null;
  wabaTaskId: string | null;
}

export const MESSAGE_RECEIVED = defineEvent<MessageReceived>(EVENTS.messageReceived);
export const MESSAGE_STATUS_CHANGED = defineEvent<MessageStatusChanged>(
  EVENTS.messageStatusChanged,
);
