import type { FastifyInstance } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import { chatbotFamily } from '../../src/api/families/chatbot.ts';
import { defineFamily } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import type { ChatContent } from '../../src/modules/chatbot/chat-content.ts';
import type { ChatTransport } from '../../src/modules/chatbot/chat-transport.ts';
import {
  MESSAGE_RECEIVED,
  MESSAGE_STATUS_CHANGED,
  type MessageReceived,
  type MessageStatusChanged,
} from '../../src/modules/messaging/messaging-events.ts';
import type { Services } from '../../src/modules/services.ts';
import { publish } from '../../src/queue/domain-events.ts';
import { AppError } from '../../src/shared/errors.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Db } from '../../src/store/db.ts';

// What the chatbot tests share: the chat routes under token auth (the Chatbot family's signing
// keys are another helper's work), an in-test channel standing in for the messaging module's
// transport until it merges, and the messaging events a real channel publishes.

/** The chatbot family's routes and envelope, authenticated by the cloud API's token. */
export async function chatApi(services: Services): Promise<FastifyInstance> {
  const family = defineFamily({ ...chatbotFamily, authentication: (s) => tokenAuth(s.auth) });
  const app = bareApp();
  await mountFamily(app, family, services);
  await app.ready();
  return app;
}

export interface Sent {
  sessionId: string;
  id: string;
  senderType: string;
  content: ChatContent;
}

/**
 * The channel of the tests: it keeps what it was asked to send (committed or not: a send is
 * recorded when the service calls it), says whether a user's 24-hour window is open, and can
 * refuse a contact the way the messaging module does.
 */
export class TestChannel implements ChatTransport {
  readonly sent: Sent[] = [];
  readonly read: string[] = [];
  readonly closedWindows = new Set<string>();
  readonly blocked = new Set<string>();
  defaultRobot: string | null = null;
  callback: string | undefined;

  async send(
    _tx: unknown,
    session: { id: string; userId: string },
    m: { id: string; senderType: string; content: ChatContent },
  ) {
    if (this.blocked.has(session.userId)) throw new AppError('contact_blocked', 'opted out');
    if (this.closedWindows.has(session.userId)) throw new AppError('outside_window');
    this.sent.push({
      sessionId: session.id,
      id: m.id,
      senderType: m.senderType,
      content: m.content,
    });
  }
  async windowOpen(_q: unknown, session: { userId: string }) {
    return !this.closedWindows.has(session.userId);
  }
  async markRead(_tx: unknown, _session: unknown, ids: string[]) {
    this.read.push(...ids);
  }
  async callbackUrl() {
    return this.callback;
  }
  async defaultRobotId() {
    return this.defaultRobot;
  }
  sentTo(sessionId: string) {
    return this.sent.filter((s) => s.sessionId === sessionId);
  }
}

/** Publishes message.received as the messaging module does, in a transaction of its own. */
export async function userWrites(
  db: Db,
  event: Partial<MessageReceived> & Pick<MessageReceived, 'appId' | 'content'>,
): Promise<string> {
  const data: MessageReceived = {
    channelId: '6583753709',
    channel: 'WhatsApp',
    userId: '62895402190807',
    userName: 'nick',
    messageId: newId(),
    at: new Date().toISOString(),
    replyToMessageId: null,
    template: null,
    ...event,
  };
  // Due at the message's time: a test on a manual business clock gives it that clock's now.
  await db.transaction((tx) =>
    publish(tx, MESSAGE_RECEIVED, [{ id: data.messageId, data }], new Date(data.at)),
  );
  return data.messageId;
}

export async function statusChanges(
  db: Db,
  event: Pick<MessageStatusChanged, 'appId' | 'messageId' | 'status' | 'conversationId'>,
): Promise<void> {
  const data: MessageStatusChanged = {
    channelId: '6583753709',
    userId: '62895402190807',
    at: new Date().toISOString(),
    errorCode: null,
    errorMessage: null,
    wabaTaskId: null,
    ...event,
  };
  await db.transaction((tx) =>
    publish(
      tx,
      MESSAGE_STATUS_CHANGED,
      [{ id: `${data.messageId}:${data.status}`, data }],
      new Date(),
    ),
  );
}

/** The callee fields robot 4496 (collection, English) reads. */
export const COLLECTION_VARS = {
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  total_owing_amount: '20310.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
};
