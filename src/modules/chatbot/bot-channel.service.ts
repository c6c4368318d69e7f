import type { Static } from 'typebox';
import { appZone } from '../auth/app-directory.ts';
import { usableRobot } from '../robots/robots.service.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Db } from '../../store/db.ts';
import type { ChatContent } from './chat-content.ts';
import type { ChatbotService } from './chatbot.service.ts';
import {
  deleteBotChannel,
  findBotChannel,
  findMenuOffering,
  listBotChannels,
  upsertBotChannel,
  type BotChannelRow,
} from './bot-channel.repository.ts';
import type { BotMessageBody, HuaweiTransferBody, WireMessage } from './bot-channel.schema.ts';
import { mapInbound, type BotChannelKind, type WireInbound } from './bot-channel.wire.ts';

// The channel variants (docs/chatbot-variants.md): Huawei's contact centre (§6) and the generic
// bot channel (§7) are thin adapters around ChatbotService. Their messages become `receive`
// calls under the channel's own session id; their replies leave through bot-channel-transport.ts.

/** The session channel names the chatbot stores for each variant (chat_sessions.channel). */
export const SESSION_CHANNEL: Record<BotChannelKind, string> = { huawei: 'HuaWei', bot: 'bot' };

type Message = Static<typeof WireMessage>;
type VariantBody = Omit<Static<typeof BotMessageBody>, 'robot_id' | 'variables'> & {
  robot_id?: string;
  variables?: Record<string, string>;
};

/** A §6.1 message checked against its type: each missing field named, with its index. */
export function toWireInbound(m: Message, i: number): WireInbound {
  const bad = (what: string) => new AppError('bad_request', `messages[${i}]: ${what}`);
  switch (m.type) {
    case 'text':
      if (!m.text) throw bad('text needs a non-empty text');
      return { type: 'text', text: m.text };
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      if (!m.media?.origin_url) throw bad(`${m.type} needs media.origin_url`);
      return { type: m.type, media: m.media };
    case 'location':
      if (!m.location) throw bad('location needs location.latitude and location.longitude');
      return { type: 'location', location: m.location };
    case 'contacts':
      if (!m.contacts) throw bad('contacts needs contacts[]');
      return { type: 'contacts', contacts: m.contacts };
    case 'interactive': {
      const kind = m.interactive?.type;
      const choice =
        kind === 'list_reply' ? m.interactive?.list_reply : m.interactive?.button_reply;
      if (!kind || !choice)
        throw bad('interactive needs interactive.list_reply or interactive.button_reply');
      return kind === 'list_reply'
        ? { type: 'interactive', interactive: { type: 'list_reply', list_reply: choice } }
        : { type: 'interactive', interactive: { type: 'button_reply', button_reply: choice } };
    }
    default:
      throw bad(`unknown type ${String(m.type)}`);
  }
}

export function botChannelView(row: BotChannelRow, zone: string) {
  return {
    kind: row.kind,
    channel_id: row.channel_id,
    channel_name: row.channel_name,
    callback_url: row.callback_url,
    robot_id: row.robot_id,
    create_time: formatDateTime(row.created_at, zone),
    update_time: formatDateTime(row.updated_at, zone),
  };
}

export type VariantChatbot = Pick<ChatbotService, 'receive' | 'transferResult'>;

export class BotChannelService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #chatbot: VariantChatbot;

  constructor(db: Db, clock: Clock, chatbot: VariantChatbot) {
    this.#db = db;
    this.#clock = clock;
    this.#chatbot = chatbot;
  }

  async register(
    appId: number,
    kind: BotChannelKind,
    channelId: string,
    input: { callbackUrl: string; channelName?: string; robotId?: string | null },
  ) {
    let url: URL | undefined;
    try {
      url = new URL(input.callbackUrl);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol))
      throw new AppError('bad_request', 'callback_url must be an http:// or https:// URL');
    if (kind === 'huawei' && input.channelName !== undefined && input.channelName !== 'HuaWei')
      throw new AppError('bad_request', 'a Huawei channel is named "HuaWei" in callbacks');
    const robotId = input.robotId ?? null;
    if (robotId !== null) await this.#robot(appId, robotId);
    const { row, created } = await upsertBotChannel(
      this.#db,
      appId,
      {
        kind,
        channelId,
        channelName: kind === 'huawei' ? 'HuaWei' : (input.channelName ?? 'bot'),
        callbackUrl: url.toString(),
        robotId,
      },
      this.#clock.now(),
    );
    return { channel: botChannelView(row, await appZone(this.#db, appId)), created };
  }

  async list(appId: number) {
    const zone = await appZone(this.#db, appId);
    return { list: (await listBotChannels(this.#db, appId)).map((r) => botChannelView(r, zone)) };
  }

  async remove(appId: number, kind: BotChannelKind, channelId: string) {
    if (!(await deleteBotChannel(this.#db, appId, kind, channelId)))
      throw new AppError('channel_not_found', `no ${kind} channel ${channelId}`);
    return { kind, channel_id: channelId };
  }

  /**
   * §6.1 / §7.1: each message, in order, is one `receive` of the chatbot under the channel's
   * session id (the bot answers through the channel's callbacks). Every message is checked
   * before the first is stored, so a bad one refuses the whole request.
   */
  async receive(appId: number, kind: BotChannelKind, body: VariantBody): Promise<object> {
    const channel = await this.#channel(appId, kind, body.channel_id);
    const inbound = body.messages.map((m, i) => mapInbound(toWireInbound(m, i)));
    const robotId = body.robot_id ?? channel.robot_id ?? undefined;
    if (body.robot_id !== undefined) await this.#robot(appId, body.robot_id);
    for (const { content, optionId } of inbound) {
      const replyTo = optionId
        ? await findMenuOffering(this.#db, appId, body.call_id, optionId)
        : undefined;
      await this.#chatbot.receive({
        appId,
        channel: SESSION_CHANNEL[kind],
        channelId: body.channel_id,
        userId: body.user.id,
        ...(body.user.name ? { userName: body.user.name } : {}),
        content: content as ChatContent,
        ...(replyTo ? { replyTo } : {}),
        ...(robotId ? { robotId } : {}),
        ...(body.variables ? { variables: body.variables } : {}),
        sessionId: body.call_id,
      });
    }
    return {};
  }

  /** §6.2: Huawei's agent took the session (the bot stops) or could not (the bot goes on). */
  async transferResult(appId: number, body: Static<typeof HuaweiTransferBody>): Promise<object> {
    await this.#channel(appId, 'huawei', body.channel_id);
    if (body.result === 'success' && !body.seat_id)
      throw new AppError('bad_request', 'seat_id is required when result is success');
    await this.#chatbot.transferResult(appId, {
      callId: body.call_id,
      result: body.result,
      ...(body.seat_id ? { seatId: body.seat_id } : {}),
      ...(body.reason ? { reason: body.reason } : {}),
    });
    return {};
  }

  async #channel(appId: number, kind: BotChannelKind, channelId: string) {
    const row = await findBotChannel(this.#db, appId, kind, channelId);
    if (!row)
      throw new AppError(
        'channel_not_found',
        `no ${kind} channel ${channelId}: register it on /v1/chatbot/bot-channels`,
      );
    return row;
  }

  async #robot(appId: number, robotId: string) {
    if (!(await usableRobot(this.#db, appId, Number(robotId))))
      throw new AppError('robot_not_found', `no robot ${robotId}`);
  }
}
