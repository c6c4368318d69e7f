import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BotChannelService } from './bot-channel.service.ts';
import {
  BotChannelList,
  BotChannelParams,
  BotMessageBody,
  EmptyData,
  PutBotChannel,
  PutBotChannelResult,
} from './bot-channel.schema.ts';

// The generic bot channel (spec/chatbot-api.md §7.1) on the Chatbot family, and the registration
// of Huawei and bot channels (their callback URL and default bot) on /v1.

export function botChannelRoutes(channels: BotChannelService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/channel/bot/message',
      {
        schema: {
          summary: 'User send message (§7.1): the bot answers through the channel’s callbacks',
          tags: ['bot'],
          body: BotMessageBody,
          response: { 200: EmptyData },
        },
      },
      async (request) => channels.receive(request.caller.appId, 'bot', request.body),
    );
  };
}

export function botChannelAdminRoutes(channels: BotChannelService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['chatbot'];
    app.put(
      '/chatbot/bot-channels/:kind/:channelId',
      {
        schema: {
          summary: 'Register (or update) a Huawei or bot channel: its callback URL and default bot',
          tags,
          params: BotChannelParams,
          body: PutBotChannel,
          response: { 200: PutBotChannelResult },
        },
      },
      async (request) =>
        channels.register(request.caller.appId, request.params.kind, request.params.channelId, {
          callbackUrl: request.body.callback_url,
          ...(request.body.channel_name !== undefined
            ? { channelName: request.body.channel_name }
            : {}),
          ...(request.body.robot_id !== undefined ? { robotId: request.body.robot_id } : {}),
        }),
    );
    app.get(
      '/chatbot/bot-channels',
      {
        schema: {
          summary: 'The Huawei and bot channels of the app',
          tags,
          response: { 200: BotChannelList },
        },
      },
      async (request) => channels.list(request.caller.appId),
    );
    app.delete(
      '/chatbot/bot-channels/:kind/:channelId',
      {
        schema: {
          summary: 'Remove a Huawei or bot channel (its messages are refused from then on)',
          tags,
          params: BotChannelParams,
          response: { 200: Type.Object({ kind: Type.String(), channel_id: Type.String() }) },
        },
      },
      async (request) =>
        channels.remove(request.caller.appId, request.params.kind, request.params.channelId),
    );
  };
}
