import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { recordEvents } from '../webhooks/outbox.ts';
import { findBotChannel } from './bot-channel.repository.ts';
import { replyCallback, summaryCallback, type BotChannelKind } from './bot-channel.wire.ts';
import type { ChatTransport } from './chat-transport.ts';

// The outbound side of the channel variants (docs/chatbot-variants.md): a session's bot and
// agent messages are §6.3 / §7.2 callbacks to the URL the app registered for the channel, written
// to the webhook outbox in the transaction that stores them (AIRudder style: X-AIRudder-Sign,
// ordered per session). The channel owns the user's connection, so there is no 24-hour window and
// no read receipt to pass on; transfer requests, ends and reports are the chatbot's own
// callbacks (§9.1, §9.4, §9.13), sent to the same URL through callbackUrl, in the variant's
// dress through decorate: the registered channel_name, §6.4's reason, §7.5's summary.

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** §6.3 / §7.2: the bot's (or an agent's) messages for a Huawei or bot channel session. */
    'chatbot.channel_reply': 'bot or agent messages for a Huawei or bot channel session (§6.3, §7.2)';
  }
}

export function botChannelTransport(kind: BotChannelKind, clock: Clock): ChatTransport {
  return {
    async send(tx, session, message) {
      const channel = await findBotChannel(tx, session.appId, kind, session.channelId);
      if (!channel)
        throw new AppError('channel_not_found', `no ${kind} channel ${session.channelId}`);
      const payload = replyCallback(
        {
          callId: session.id,
          channel: channel.channel_name,
          channelId: session.channelId,
          userId: session.userId,
          userName: session.userName,
        },
        [
          {
            msgId: message.id,
            senderType: message.senderType,
            at: clock.now(),
            content: message.content,
          },
        ],
      );
      await recordEvents(tx, [
        {
          appId: session.appId,
          type: 'chatbot.channel_reply',
          subjectId: session.id,
          group: session.id,
          payload,
          delivery: { url: channel.callback_url, style: 'airudder' },
        },
      ]);
    },
    async windowOpen() {
      return true;
    },
    async markRead() {},
    async callbackUrl(q, session) {
      const channel = await findBotChannel(q, session.appId, kind, session.channelId);
      return channel?.callback_url;
    },
    async defaultRobotId(q, session) {
      const channel = await findBotChannel(q, session.appId, kind, session.channelId);
      return channel?.robot_id ?? null;
    },
    async decorate(q, session, callback) {
      // An unregistered channel's callbacks go to the app's webhook URL, under the session's
      // own channel name.
      const channel = await findBotChannel(q, session.appId, kind, session.channelId);
      const body = channel ? { ...callback.body, channel: channel.channel_name } : callback.body;
      switch (callback.kind) {
        case 'transfer_request':
          return { ...body, reason: callback.reason };
        case 'session_report':
          // §7.5 is the bot variant's; Huawei's §6 has no summary.
          return kind === 'bot' ? summaryCallback(body) : body;
        case 'session_end':
          return body;
      }
    },
  };
}
