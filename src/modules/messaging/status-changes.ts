import { publish } from '../../queue/domain-events.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Queryable } from '../../store/db.ts';
import { appSettingsMany } from '../auth/app-directory.ts';
import { recordEvents, type NewEvent } from '../webhooks/outbox.ts';
import { channelsByPk, type ChannelRecord } from './channels.repository.ts';
import { MESSAGE_STATUS_CHANGED } from './messaging-events.ts';
import { batchesByIds, type MessageRecord } from './messages.repository.ts';
import { channelLabel, sendTimeOf, unixSeconds, wireStatus } from './message-wire.ts';
import { templatesByIds } from './templates.repository.ts';

// What a status change of a message we sent causes, in the transaction that made it: the
// message.status_changed domain event (the chatbot, workflows) and the integrator's callback:
// §8.6 for a template message, the delivery report for an SMS. The callback goes to the send's
// callback_url, else the channel's, else the app's webhook URL (docs/messaging.md).

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** A template message changed status (spec/chatbot-api.md §8.6). */
    'waba.template_status': 'waba.template_status';
    /** A person answered a single template send (§8.8). */
    'waba.template_reply': 'waba.template_reply';
    /** An SMS changed status: the delivery report of the SMS API (docs/messaging.md). */
    'sms.delivery': 'sms.delivery';
  }
}

/** Publishes and calls back for messages whose status just changed (rows as they are now). */
export async function statusesChanged(
  tx: Queryable,
  changed: readonly MessageRecord[],
  /**
   * The business clock's now: subscribers' jobs are due then. Not the statuses' own times, which
   * are the provider's clock (a simulated provider's is the wall clock, ahead of a simulated one).
   */
  now: Date,
  /** The channel of every one of them, when the caller has it at hand (saves reading it again). */
  channel?: ChannelRecord,
): Promise<void> {
  const outbound = changed.filter((m) => m.direction === 'out' && m.status !== 'queued');
  if (outbound.length === 0) return;
  const channels =
    channel && outbound.every((m) => m.channelPk === channel.pk)
      ? new Map([[channel.pk, channel]])
      : await channelsByPk(
          tx,
          outbound.map((m) => m.channelPk),
        );
  await publish(
    tx,
    MESSAGE_STATUS_CHANGED,
    outbound.map((m) => ({
      id: `${m.id}:${m.status}`,
      data: {
        appId: m.appId,
        channelId: channels.get(m.channelPk)?.channelId ?? '',
        userId: m.userId,
        messageId: m.id,
        status: m.status as 'sent' | 'delivered' | 'read' | 'failed',
        at: m.statusAt.toISOString(),
        errorCode: m.errorCode,
        errorMessage: m.errorMessage,
        conversationId: m.conversationId,
        wabaTaskId: m.batchId,
      },
    })),
    now,
  );

  const withBatch = outbound.filter((m) => m.batchId !== null);
  if (withBatch.length === 0) return;
  const batches = await batchesByIds(
    tx,
    withBatch.map((m) => m.batchId!),
  );
  const templates = await templatesByIds(
    tx,
    withBatch.flatMap((m) => (m.templateId === null ? [] : [m.templateId])),
  );
  const apps = await appSettingsMany(
    tx,
    withBatch.map((m) => m.appId),
  );
  const events: NewEvent[] = [];
  for (const m of withBatch) {
    const batch = batches.get(m.batchId!);
    const channel = channels.get(m.channelPk);
    if (!batch || !channel) continue;
    const zone = apps.get(m.appId)?.timezone ?? 'UTC';
    const url = batch.callbackUrl ?? channel.callbackUrl ?? undefined;
    const delivery = { ...(url ? { url } : {}), style: 'airudder' as const };
    const base = {
      appId: m.appId,
      subjectId: m.id,
      // A message's changes reach the integrator in the order they happened.
      group: `message:${m.id}`,
      delivery,
    };
    if (batch.kind === 'sms') {
      events.push({
        ...base,
        type: 'sms.delivery',
        payload: {
          messageId: batch.id,
          msgId: m.id,
          to: `+${m.userId}`,
          from: channel.phoneNumber,
          status: m.status === 'delivered' ? 'delivered' : m.status,
          errorCode: m.errorCode ?? '',
          errorMessage: m.errorMessage ?? '',
          timestamp: unixSeconds(m.statusAt),
        },
      });
      continue;
    }
    const template = m.templateId === null ? undefined : templates.get(m.templateId);
    events.push({
      ...base,
      type: 'waba.template_status',
      payload: {
        waba_task_id: batch.id,
        msg_id: m.id,
        template_msg_id: m.id,
        channel: channelLabel(channel.kind),
        channel_id: channel.channelId,
        user: { id: m.userId },
        status: wireStatus(m.status),
        send_time: sendTimeOf(m, (at) => formatDateTime(at, zone)),
        waba_template_name: template?.name ?? '',
        waba_template_id: m.templateId ?? 0,
        timestamp: unixSeconds(m.statusAt),
        error_code: m.errorCode ?? '',
        error_message: m.errorMessage ?? '',
      },
    });
  }
  await recordEvents(tx, events);
}
