import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { BotChannelService } from './bot-channel.service.ts';
import { EmptyData, HuaweiMessageBody, HuaweiTransferBody } from './bot-channel.schema.ts';

// Huawei's contact centre (spec/chatbot-api.md §6) on the Chatbot family: it passes its users'
// messages on (§6.1) and says whether its agent took a session (§6.2). The bot's answers leave
// as callbacks (bot-channel-transport.ts).

export function huaweiRoutes(channels: BotChannelService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['huawei'];
    app.post(
      '/channel/huawei/message',
      {
        schema: {
          summary: 'User sends message (§6.1): the bot answers through the channel’s callbacks',
          tags,
          body: HuaweiMessageBody,
          response: { 200: EmptyData },
        },
      },
      async (request) => channels.receive(request.caller.appId, 'huawei', request.body),
    );
    app.post(
      '/channel/huawei/transfer/result',
      {
        schema: {
          summary: 'Agent transfer result (§6.2): success stops the bot, failed lets it go on',
          tags,
          body: HuaweiTransferBody,
          response: { 200: EmptyData },
        },
      },
      async (request) => channels.transferResult(request.caller.appId, request.body),
    );
  };
}
