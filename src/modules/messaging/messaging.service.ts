import {
  WebhookSignatureError,
  type InboundEvent,
  type OutboundContent,
} from '../../channels/messaging/messaging-channel.ts';
import { AppError } from '../../shared/errors.ts';
import { approvedTemplateByName } from './templates.repository.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { notify, type Db, type Queryable } from '../../store/db.ts';
import { applyStatusesNow } from './inbound.ts';
import { appZone } from '../auth/app-directory.ts';
import { listedAmong } from '../dnc/dnc.service.ts';
import * as admin from './channel-admin.ts';
import { ChannelCache } from './channel-cache.ts';
import { sendSmsIn, type SmsSendRequest } from './sms-sends.ts';
import { ChannelRegistry, noAdapters, type ChannelFactory } from './channel-registry.ts';
import { listChannels, type ChannelPatch, type ChannelRecord } from './channels.repository.ts';
import { enqueueInbound, SIGNATURE_HEADERS } from './messaging.jobs.ts';
import { EARLY_STATUS_WAIT_MS, PushedIntake } from './pushed-intake.ts';
import {
  lastInbound,
  messagesByIds,
  messagesOfBatch,
  setStatuses,
  type MessageRecord,
} from './messages.repository.ts';
import { insertOutbound } from './send-queue.repository.ts';
import { channelLabel } from './message-wire.ts';
import { MESSAGING_NOTIFY, MessageSender, senderAddress, type SenderOptions } from './sender.ts';
import { checkContent } from './content-rules.ts';
import {
  sendTemplatesIn,
  userIdOf,
  type TemplateSendRequest,
  type TemplateSendResult,
} from './template-sends.ts';
import type { TemplateStatus } from './templates.repository.ts';

// The messaging module's service (docs/messaging.md): channels and templates, template and
// free-form sends, SMS, the 24-hour window, read receipts, and the provider webhooks' entry.
// The chatbot module uses sendFreeForm, windowOf, markRead and channelInfo inside its own
// transactions; everything else is one transaction per call.

const WINDOW_MS = 24 * 3_600_000;

export interface ChannelInfo {
  channelId: string;
  channel: 'WhatsApp' | 'SMS' | 'Simulated';
  name: string;
  phoneNumber: string;
  status: string;
  defaultRobotId: string | null;
  callbackUrl: string | null;
}

export interface FreeFormSend {
  channelId: string;
  userId: string;
  messageId: string;
  content: OutboundContent;
  conversationId?: string;
  replyToMessageId?: string;
}

function infoOf(c: ChannelRecord): ChannelInfo {
  return {
    channelId: c.channelId,
    channel: channelLabel(c.kind),
    name: c.name,
    phoneNumber: c.phoneNumber,
    status: c.status,
    defaultRobotId: c.defaultRobotId,
    callbackUrl: c.callbackUrl,
  };
}

export class MessagingService {
  readonly #channels = new ChannelCache();
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly registry: ChannelRegistry;
  /** This process's senders: a pushed status may wait for the outcome one of them is writing. */
  readonly #senders = new Set<MessageSender>();

  constructor(deps: { db: Db; clock: Clock; log: Logger; channels?: ChannelFactory }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.registry = new ChannelRegistry(deps.channels ?? noAdapters, (error) =>
      this.#log.error({ err: error }, 'messaging channel error'),
    );
    // Push-style adapters (SMPP, the simulator) hand events over one by one: pushed-intake.ts.
    const intake = new PushedIntake({
      db: this.#db,
      clock: this.#clock,
      outcomesWritten: async () => {
        await Promise.all([...this.#senders].map((s) => s.outcomesWritten()));
      },
    });
    this.registry.setInboundSink((channel, events) => intake.receive(channel, events));
  }

  /**
   * What the provider sent: statuses only are applied now (a few statements, as cheap as storing
   * them for a job); anything else, or statuses that overtook their send's outcome (tried again
   * once that is written), is stored for the messaging.inbound job.
   */
  async #intake(
    tx: Queryable,
    channel: ChannelRecord,
    events: readonly InboundEvent[],
    stored: Parameters<typeof enqueueInbound>[2],
  ): Promise<void> {
    const now = this.#clock.now();
    const outcome = await applyStatusesNow(tx, channel, events, now);
    if (outcome === 'applied') return;
    const runAt = outcome === 'early' ? new Date(now.getTime() + EARLY_STATUS_WAIT_MS) : now;
    await enqueueInbound(tx, channel, stored, now, runAt);
  }

  /** The sender loop of a worker (started and stopped by the runtime). */
  createSender(
    options: Omit<SenderOptions, 'db' | 'clock' | 'log' | 'registry' | 'channelOf'>,
  ): MessageSender {
    const sender = new MessageSender({
      ...options,
      db: this.#db,
      clock: this.#clock,
      log: this.#log,
      registry: this.registry,
      channelOf: (pk) => this.channelByPk(this.#db, pk),
    });
    this.#senders.add(sender);
    return sender;
  }

  close(): Promise<void> {
    return this.registry.close();
  }

  // --- what the chatbot module uses ---------------------------------------------------------

  sendTemplates(appId: number, request: TemplateSendRequest): Promise<TemplateSendResult> {
    return this.#db.transaction((tx) => sendTemplatesIn(tx, appId, request, this.#clock.now()));
  }

  /**
   * Queues a free-form message in the caller's transaction. A reply to a person who wrote: only
   * the do-not-call list and opt-outs stop it (no caps, no quiet hours), and on WhatsApp only
   * inside the 24-hour window.
   */
  async sendFreeForm(tx: Queryable, appId: number, send: FreeFormSend): Promise<void> {
    const channel = await this.#channel(tx, appId, send.channelId);
    if (!channel) throw new AppError('channel_not_found', send.channelId);
    const userId = userIdOf(send.userId);
    checkContent(channel.kind, this.registry.adapterOf(channel).capabilities, send.content);
    if (channel.kind !== 'sms') {
      const window = await this.windowOf(tx, appId, send.channelId, userId);
      if (!window.open) throw new AppError('outside_window');
    }
    if ((await listedAmong(tx, appId, [`+${userId}`])).size > 0) {
      throw new AppError('contact_blocked', 'the number is on the do-not-call list or opted out');
    }
    const inserted = await insertOutbound(tx, [
      {
        id: send.messageId,
        appId,
        channelPk: channel.pk,
        userId,
        kind: 'free_form',
        content: send.content,
        batchId: null,
        templateId: null,
        variables: null,
        custom: null,
        conversationId: send.conversationId ?? null,
        replyTo: send.replyToMessageId ?? null,
        at: this.#clock.now(),
      },
    ]);
    if (inserted === 0)
      throw new AppError('bad_request', `message id ${send.messageId} is already used`);
    // Naming the channel lets a sender claim it at once, without looking for due channels first.
    await notify(tx, MESSAGING_NOTIFY, String(channel.pk));
  }

  /** The 24-hour window of a person on a channel: open until 24 h after their last message. */
  async windowOf(
    q: Queryable,
    appId: number,
    channelId: string,
    userId: string,
  ): Promise<{ open: boolean; expiresAt: Date | null }> {
    const channel = await this.#channel(q, appId, channelId);
    if (!channel) return { open: false, expiresAt: null };
    const last = await lastInbound(q, channel.pk, userId.replace(/^\+/, ''));
    if (!last) return { open: false, expiresAt: null };
    const expiresAt = new Date(last.getTime() + WINDOW_MS);
    return { open: expiresAt.getTime() > this.#clock.now().getTime(), expiresAt };
  }

  /**
   * Marks a person's messages read (our ids), and tells the provider (blue ticks) once the
   * caller's transaction is done with them: a receipt is best effort and never fails the caller.
   */
  async markRead(
    tx: Queryable,
    appId: number,
    channelId: string,
    messageIds: string[],
  ): Promise<void> {
    const channel = await this.#channel(tx, appId, channelId);
    if (!channel) throw new AppError('channel_not_found', channelId);
    const unread = (await messagesByIds(tx, appId, messageIds)).filter(
      (m) => m.channelPk === channel.pk && m.direction === 'in' && m.status === 'received',
    );
    const now = this.#clock.now();
    await setStatuses(
      tx,
      unread.map((m) => ({
        id: m.id,
        status: 'read',
        at: now,
        errorCode: null,
        errorMessage: null,
      })),
    );
    const adapter = this.registry.adapterOf(channel);
    if (!adapter.capabilities.readReceipts) return;
    setImmediate(() => {
      for (const m of unread) {
        if (!m.providerMessageId) continue;
        adapter
          .markRead(senderAddress(channel), m.providerMessageId)
          .catch((error: unknown) =>
            this.#log.warn({ err: error }, 'messaging: read receipt failed'),
          );
      }
    });
  }

  async channelInfo(
    q: Queryable,
    appId: number,
    channelId: string,
  ): Promise<ChannelInfo | undefined> {
    const channel = await this.#channel(q, appId, channelId);
    return channel && infoOf(channel);
  }

  async listChannels(appId: number): Promise<ChannelInfo[]> {
    return (await listChannels(this.#db, appId)).map(infoOf);
  }

  /** The SMS API's send: one message to each number, one request id for them all. */
  sendSms(appId: number, request: SmsSendRequest): Promise<{ messageId: string }> {
    return this.#db.transaction((tx) => sendSmsIn(tx, appId, request, this.#clock.now()));
  }

  /** §8.5: the messages of a WABA task or the given template messages, and the app's zone. */
  async sendResults(
    appId: number,
    query: { wabaTaskId?: string; templateMsgIds?: string[] },
  ): Promise<{ zone: string; messages: MessageRecord[] }> {
    const messages = query.wabaTaskId
      ? await messagesOfBatch(this.#db, appId, query.wabaTaskId)
      : await messagesByIds(this.#db, appId, query.templateMsgIds ?? []);
    return {
      zone: await appZone(this.#db, appId),
      messages: messages.filter((m) => m.kind === 'template'),
    };
  }

  // --- administration (/v1) and the WABA queries -------------------------------------------

  createChannel(appId: number, input: admin.NewChannelInput) {
    return this.#forgetChannels(admin.createChannel(this.#db, appId, input));
  }
  updateChannel(appId: number, channelId: string, patch: ChannelPatch) {
    return this.#forgetChannels(admin.patchChannel(this.#db, appId, channelId, patch));
  }

  async #forgetChannels<T>(change: Promise<T>): Promise<T> {
    try {
      return await change;
    } finally {
      this.#channels.clear();
    }
  }

  /** A channel of the app by its public id (cached for a moment: channel-cache.ts). */
  #channel(q: Queryable, appId: number, channelId: string) {
    return this.#channels.of(q, appId, channelId);
  }

  /** A channel by its row id, as the inbound job names it (cached like #channel). */
  channelByPk(q: Queryable, pk: number): Promise<ChannelRecord | undefined> {
    return this.#channels.byPk(q, pk);
  }

  channelViews(appId: number) {
    return admin.channelViews(this.#db, appId);
  }
  createTemplate(appId: number, channelId: string, input: admin.NewTemplateInput) {
    return admin.createTemplate(this.#db, appId, channelId, input);
  }
  listTemplates(
    appId: number,
    channelId: string,
    filter: { name?: string; status?: string; page: number; size: number },
  ) {
    return admin.templatesOf(this.#db, appId, channelId, filter);
  }
  templateDetail(appId: number, channelId: string, templateId: number) {
    return admin.templateOf(this.#db, appId, channelId, templateId);
  }
  /** The buttons of an approved template by provider name (the simulated channel's lookup). */
  async templateButtons(name: string, language: string) {
    const template = await approvedTemplateByName(this.#db, name, language);
    return template?.content.button;
  }
  setTemplateStatus(appId: number, channelId: string, templateId: number, status: TemplateStatus) {
    return admin.changeTemplateStatus(this.#db, appId, channelId, templateId, status);
  }

  // --- the provider's webhook (public, no app known yet) -----------------------------------

  /** The GET handshake: the challenge of the first channel with this id whose token matches. */
  async verifyHandshake(
    channelId: string,
    query: Record<string, string | undefined>,
  ): Promise<string | undefined> {
    for (const channel of await this.#channels.whatsapp(this.#db, channelId)) {
      const challenge = this.registry.adapterOf(channel).webhook?.verifyHandshake(query);
      if (challenge !== undefined) return challenge;
    }
    return undefined;
  }

  /**
   * A POST from the provider: the channel whose secret signs these bytes takes it, stored as a
   * job. 'unknown' when no channel has the id, 'forbidden' when no signature matches.
   */
  async receiveWebhook(
    channelId: string,
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<'ok' | 'unknown' | 'forbidden'> {
    const channels = await this.#channels.whatsapp(this.#db, channelId);
    if (channels.length === 0) return 'unknown';
    for (const channel of channels) {
      const receiver = this.registry.adapterOf(channel).webhook;
      if (!receiver) continue;
      let events: InboundEvent[];
      try {
        events = receiver.parse(raw, headers);
      } catch (error) {
        if (error instanceof WebhookSignatureError) continue;
        throw new AppError('bad_request', error instanceof Error ? error.message : String(error));
      }
      const kept: Record<string, string> = {};
      for (const name of SIGNATURE_HEADERS) {
        const value = headers[name];
        if (typeof value === 'string') kept[name] = value;
      }
      await this.#db.transaction((tx) => this.#intake(tx, channel, events, { raw, headers: kept }));
      return 'ok';
    }
    return 'forbidden';
  }
}
