import type { TransactionSubscriber } from '../../queue/domain-events.ts';
import type { Queryable } from '../../store/db.ts';
import { txMemo } from '../../store/tx-memo.ts';
import { appName } from '../auth/app-directory.ts';
import type { MessageStatusChanged } from '../messaging/messaging-events.ts';
import { recordEvents, type NewEvent } from '../webhooks/outbox.ts';
import type { ChatMessageAdded } from './chat-events.ts';
import {
  findChatMessageSession,
  findReportSettingsMany,
  type ReportSettingsRow,
} from './event-report.repository.ts';
import {
  messageReceiveReport,
  messageSendReport,
  messageStatusReport,
  reportKindOf,
} from './event-report.wire.ts';

// The company event reports (spec/chatbot-api.md §10.2–§10.4, docs/chatbot-variants.md): for an
// app that switched them on, every message a person writes (`message.receive`), every message
// the channel sends for a session (`message.send`: bot, template, agent) and every status change
// of those (`message.status`), AIRudder style, to the app's report URL or its webhook URL.
// In-transaction subscribers: the report commits with the message or status it reports.

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** §10.2: a person's message in a chatbot session. */
    'report.message.receive': 'a person wrote in a chatbot session (§10.2)';
    /** §10.3: a message the channel sent in a chatbot session. */
    'report.message.send': 'the channel sent a message in a chatbot session (§10.3)';
    /** §10.4: a status change of a message the channel sent. */
    'report.message.status': 'a message the channel sent changed status (§10.4)';
  }
}

/** The wire's delivery status (§5.10) for the messaging module's. */
const WIRE_STATUS: Record<string, string> = {
  sent: 'sent',
  delivered: 'delivery',
  read: 'read',
  failed: 'failed',
};

/** An app's report settings, read once per transaction (every message of a turn asks). */
const settingsInTx = txMemo<string, Map<number, ReportSettingsRow>>();

async function enabledApps(tx: Queryable, appIds: number[]) {
  const ids = [...new Set(appIds)].sort((a, b) => a - b);
  const settings = await settingsInTx.get(tx, ids.join(','), () => findReportSettingsMany(tx, ids));
  const on = new Map<number, { settings: ReportSettingsRow; company: string }>();
  for (const [appId, s] of settings)
    if (s.enabled) on.set(appId, { settings: s, company: await appName(tx, appId) });
  return on;
}

const delivery = (s: ReportSettingsRow) => ({
  style: 'airudder' as const,
  ...(s.url ? { url: s.url } : {}),
});

export const messageReports: TransactionSubscriber<ChatMessageAdded> = {
  name: 'chatbot.event_reports.messages',
  async handle(tx, events) {
    const reported = events.filter((e) => reportKindOf(e.data.senderType) !== undefined);
    if (reported.length === 0) return;
    const apps = await enabledApps(
      tx,
      reported.map((e) => e.data.appId),
    );
    const rows: NewEvent[] = [];
    for (const { data } of reported) {
      const app = apps.get(data.appId);
      if (!app) continue;
      const session = {
        callId: data.sessionId,
        company: app.company,
        channel: data.channel,
        channelId: data.channelId,
        userId: data.userId,
        userName: data.userName,
      };
      const message = {
        msgId: data.messageId,
        senderType: data.senderType,
        at: new Date(data.at),
        content: data.content,
      };
      const receive = reportKindOf(data.senderType) === 'receive';
      rows.push({
        appId: data.appId,
        type: receive ? 'report.message.receive' : 'report.message.send',
        subjectId: data.sessionId,
        group: `report:${data.sessionId}`,
        payload: receive
          ? messageReceiveReport(session, [message])
          : messageSendReport(session, [message]),
        delivery: delivery(app.settings),
      });
    }
    await recordEvents(tx, rows);
  },
};

export const statusReports: TransactionSubscriber<MessageStatusChanged> = {
  name: 'chatbot.event_reports.status',
  async handle(tx, events) {
    // Only messages of chatbot sessions: the sender attached the session as conversationId.
    const candidates = events.filter((e) => e.data.conversationId !== null);
    if (candidates.length === 0) return;
    const apps = await enabledApps(
      tx,
      candidates.map((e) => e.data.appId),
    );
    const rows: NewEvent[] = [];
    for (const { data } of candidates) {
      const app = apps.get(data.appId);
      if (!app) continue;
      const session = await findChatMessageSession(tx, data.appId, data.messageId);
      if (!session || session.session_id !== data.conversationId) continue;
      rows.push({
        appId: data.appId,
        type: 'report.message.status',
        subjectId: session.session_id,
        group: `report:${session.session_id}`,
        payload: messageStatusReport(
          {
            callId: session.session_id,
            company: app.company,
            channel: session.channel,
            channelId: session.channel_id,
            userId: session.user_id,
            userName: null,
          },
          {
            msgId: data.messageId,
            status: WIRE_STATUS[data.status] ?? data.status,
            at: new Date(data.at),
            errorCode: data.errorCode,
            errorMessage: data.errorMessage,
          },
        ),
        delivery: delivery(app.settings),
      });
    }
    await recordEvents(tx, rows);
  },
};
