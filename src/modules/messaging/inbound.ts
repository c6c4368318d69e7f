import type {
  DeliveryStatus,
  InboundEvent,
  InboundContent,
} from '../../channels/messaging/messaging-channel.ts';
import { publish } from '../../queue/domain-events.ts';
import { newId } from '../../shared/ids.ts';
import { withSavepoint, type Queryable } from '../../store/db.ts';
import { optOut } from '../dnc/dnc.service.ts';
import type { ChannelRecord } from './channels.repository.ts';
import { MESSAGE_RECEIVED, type TemplateOrigin } from './messaging-events.ts';
import {
  batchesByIds,
  insertInbound,
  lockByProviderIds,
  renewWindow,
  sendingTo,
  setStatuses,
  unansweredTemplate,
  type MessageRecord,
  type MessageStatus,
} from './messages.repository.ts';
import { channelLabel, renderedTemplate } from './message-wire.ts';
import { statusesChanged } from './status-changes.ts';
import { isStopKeyword } from './stop-keywords.ts';
import { templatesByIds, type TemplateRecord } from './templates.repository.ts';
import { recordTemplateReply } from './template-reply.ts';

// What a provider told us, applied once however often it tells it (docs/messaging.md,
// "Inbound"): a person's message is stored once per provider id, renews the 24-hour window,
// resolves the template it answers, stops messages on a STOP keyword or an opt-out button, and
// is published as message.received; a status moves a message forward only (sent < delivered <
// read; failed is final) and is published only when it changed something.

const WINDOW_MS = 24 * 3_600_000;

const RANK: Partial<Record<MessageStatus, number>> = {
  queued: 0,
  sending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/** The status a message moves to on `next`, or undefined when it stays as it is. */
export function nextStatus(
  current: MessageStatus,
  next: DeliveryStatus,
): MessageStatus | undefined {
  if (current === 'failed') return undefined;
  const rank = RANK[current] ?? 0;
  // A failure after delivery is not believable; a failure before it ends the message.
  if (next === 'failed') return rank < 2 ? 'failed' : undefined;
  return (RANK[next] ?? 0) > rank ? next : undefined;
}

export interface InboundResult {
  /** Statuses for messages we do not know (yet: the send's outcome may not be written). */
  unmatched: number;
}

/**
 * A person quoted a message of ours whose send outcome (and so its provider id) is not written
 * yet: their answer would otherwise lose what it answers. Thrown to be tried again shortly.
 */
export class QuoteNotKnownYet extends Error {
  constructor() {
    super('a message quotes a send whose outcome is not written yet');
    this.name = 'QuoteNotKnownYet';
  }
}

export async function applyInbound(
  tx: Queryable,
  channel: ChannelRecord,
  events: readonly InboundEvent[],
  now: Date,
  /** Throw QuoteNotKnownYet rather than apply a message whose quote may not be written yet. */
  options: { quotesMayWait?: boolean } = {},
): Promise<InboundResult> {
  let unmatched = 0;
  const statuses = events.filter((e) => e.kind === 'status');
  if (statuses.length > 0) unmatched += (await applyStatuses(tx, channel, statuses, now)).length;
  for (const event of events) {
    if (event.kind === 'message')
      await applyMessage(tx, channel, event, now, options.quotesMayWait ?? false);
    else if (event.kind === 'opt_out' && event.value === 'stop') {
      await optOut(tx, {
        appId: channel.appId,
        number: e164(event.from),
        source: 'whatsapp_button',
        reference: `provider opt-out (${event.category})`,
      });
    }
    // A 'resume' is not an opt-in here: taking a number off the list is the app's decision.
  }
  return { unmatched };
}

/**
 * Statuses only (two of three webhooks a chatbot reply causes) are applied in the webhook's own
 * request: a few statements, as cheap as storing them for a job. Anything else (a person's
 * message may run a chatbot turn) is left to the messaging.inbound job ('later'), and so is
 * everything on an error; statuses of messages whose send is not written yet (the provider's
 * webhook can overtake its own HTTP answer) are 'early'. Nothing is written unless 'applied'.
 */
export async function applyStatusesNow(
  tx: Queryable,
  channel: ChannelRecord,
  events: readonly InboundEvent[],
  now: Date,
): Promise<'applied' | 'early' | 'later'> {
  if (events.length === 0 || events.some((e) => e.kind !== 'status')) return 'later';
  try {
    await withSavepoint(tx, async () => {
      const { unmatched } = await applyInbound(tx, channel, events, now);
      if (unmatched > 0) throw new EarlyStatuses();
    });
    return 'applied';
  } catch (error) {
    return error instanceof EarlyStatuses ? 'early' : 'later';
  }
}

class EarlyStatuses extends Error {}

export type StatusEvent = Extract<InboundEvent, { kind: 'status' }>;

/**
 * Moves our messages on by the provider's statuses (forward only) and publishes what changed.
 * Answers the statuses of messages not known (yet: the send's outcome may not be written).
 */
export async function applyStatuses(
  tx: Queryable,
  channel: ChannelRecord,
  events: readonly StatusEvent[],
  now: Date,
): Promise<StatusEvent[]> {
  const rows = await lockByProviderIds(
    tx,
    channel.pk,
    events.map((e) => e.providerMessageId),
  );
  const byProvider = new Map(rows.map((r) => [r.providerMessageId!, r]));
  const changed = new Map<string, MessageRecord>();
  const unmatched: StatusEvent[] = [];
  for (const e of events) {
    const row = byProvider.get(e.providerMessageId);
    if (!row || row.direction !== 'out') {
      if (!row) unmatched.push(e);
      continue;
    }
    const next = nextStatus(row.status, e.status);
    if (!next) continue;
    const updated: MessageRecord = {
      ...row,
      status: next,
      statusAt: e.at,
      errorCode: e.error?.code ?? row.errorCode,
      errorMessage: e.error?.message ?? row.errorMessage,
    };
    byProvider.set(e.providerMessageId, updated);
    changed.set(updated.id, updated);
  }
  const list = [...changed.values()];
  await setStatuses(
    tx,
    list.map((m) => ({
      id: m.id,
      status: m.status,
      at: m.statusAt,
      errorCode: m.errorCode,
      errorMessage: m.errorMessage,
    })),
  );
  await statusesChanged(tx, list, now, channel);
  return unmatched;
}

async function applyMessage(
  tx: Queryable,
  channel: ChannelRecord,
  event: Extract<InboundEvent, { kind: 'message' }>,
  now: Date,
  quotesMayWait: boolean,
): Promise<void> {
  const userId = digits(event.from);
  // A provider clock ahead of ours must not stretch the window past what the person gave.
  const at = event.at.getTime() > now.getTime() ? now : event.at;
  const quoted = event.replyTo
    ? (await lockByProviderIds(tx, channel.pk, [event.replyTo]))[0]
    : undefined;
  // The provider's webhook can overtake its own answer to our send: a quote we cannot find
  // while a send to this person still waits for its outcome is most likely that send.
  if (event.replyTo && !quoted && quotesMayWait && (await sendingTo(tx, channel.pk, userId)))
    throw new QuoteNotKnownYet();
  const id = newId();
  const stored = await insertInbound(tx, {
    id,
    appId: channel.appId,
    channelPk: channel.pk,
    userId,
    content: event.content,
    providerMessageId: event.providerMessageId,
    replyTo: quoted?.id ?? null,
    userName: event.profileName ?? null,
    at,
  });
  if (!stored) return; // a duplicate delivery of a message already applied
  await renewWindow(tx, channel.pk, userId, at);

  const answered =
    quoted?.kind === 'template'
      ? quoted
      : quoted
        ? undefined
        : await unansweredTemplate(tx, channel.pk, userId, new Date(at.getTime() - WINDOW_MS), id);
  const origin = answered ? await originOf(tx, answered) : undefined;

  await honourOptOut(tx, channel, event.content, userId, id, origin?.template);

  await publish(
    tx,
    MESSAGE_RECEIVED,
    [
      {
        id,
        data: {
          appId: channel.appId,
          channelId: channel.channelId,
          channel: channelLabel(channel.kind),
          userId,
          userName: event.profileName ?? null,
          messageId: id,
          at: at.toISOString(),
          content: event.content,
          replyToMessageId: quoted?.id ?? null,
          template: origin?.origin ?? null,
        },
      },
    ],
    now,
  );
  if (origin && answered && origin.batchKind === 'single') {
    await recordTemplateReply(tx, {
      channel,
      answered,
      template: origin.template,
      reply: { id, at, content: event.content },
    });
  }
}

/** The template as the person saw it: its values and header media filled in. */
function shownTemplate(template: TemplateRecord, message: MessageRecord) {
  const headerMedia = (message.content.template as { headerMedia?: { url?: string } } | undefined)
    ?.headerMedia?.url;
  const shown = renderedTemplate(template, message.variables ?? {}, headerMedia);
  return shown.content as NonNullable<TemplateOrigin['content']>;
}

async function originOf(tx: Queryable, message: MessageRecord) {
  if (message.batchId === null || message.templateId === null) return undefined;
  const batch = (await batchesByIds(tx, [message.batchId])).get(message.batchId);
  const template = (await templatesByIds(tx, [message.templateId])).get(message.templateId);
  if (!batch || !template) return undefined;
  const origin: TemplateOrigin = {
    wabaTaskId: batch.id,
    templateMsgId: message.id,
    templateId: template.id,
    templateName: template.name,
    robotId: batch.robotId,
    variables: message.variables ?? {},
    custom: message.custom,
    language: template.language,
    content: shownTemplate(template, message),
  };
  return { origin, template, batchKind: batch.kind };
}

/** A STOP keyword, or a tap on the template's OPT_OUT button, lists the number on every channel. */
async function honourOptOut(
  tx: Queryable,
  channel: ChannelRecord,
  content: InboundContent,
  userId: string,
  messageId: string,
  template: { content: { button?: Array<{ type: string; text: string }> } } | undefined,
): Promise<void> {
  let source: 'stop_keyword' | 'whatsapp_button' | undefined;
  if (content.type === 'text' && isStopKeyword(content.text)) source = 'stop_keyword';
  if (content.type === 'button') {
    const tapped = content.button;
    const optOutButton = template?.content.button?.some(
      (b) => b.type === 'OPT_OUT' && (b.text === tapped.text || tapped.payload === 'OPT_OUT'),
    );
    if (optOutButton || tapped.payload === 'OPT_OUT') source = 'whatsapp_button';
    else if (isStopKeyword(tapped.text)) source = 'stop_keyword';
  }
  if (!source) return;
  await optOut(tx, { appId: channel.appId, number: `+${userId}`, source, reference: messageId });
}

const digits = (from: string) => from.replace(/\D/g, '');
const e164 = (from: string) => `+${digits(from)}`;
