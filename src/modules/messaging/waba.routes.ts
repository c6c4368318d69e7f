import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { MessagingService } from './messaging.service.ts';
import { placeholdersOf, wireStatus } from './message-wire.ts';
import {
  AccountList,
  AccountsBody,
  DetailBody,
  ResultBody,
  SendBody,
  SendResult,
  SendResultList,
  SingleBody,
  SingleResult,
  TemplateDetail,
  TemplatePage,
  TemplatesBody,
} from './waba.schema.ts';

/** The WABA endpoints of spec/chatbot-api.md §8, mounted in the Chatbot family (/api/v1). */
export function wabaRoutes(service: MessagingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['waba'];

    app.post(
      '/waba/accounts',
      {
        schema: {
          summary: 'WABA accounts (WhatsApp channels) of the app (§8.1)',
          tags,
          body: AccountsBody,
          response: { 200: AccountList },
        },
      },
      async (request) => {
        const wanted = request.body?.channel;
        const channels = await service.listChannels(request.caller.appId);
        return channels
          .filter((c) =>
            wanted ? c.channel.toLowerCase() === wanted.toLowerCase() : c.channel !== 'SMS',
          )
          .map((c) => ({
            channel: c.channel,
            channel_id: c.channelId,
            phone_number: c.phoneNumber,
            name: c.name,
            status: c.status,
          }));
      },
    );

    app.post(
      '/waba/templates',
      {
        schema: {
          summary: 'Templates of a WABA account (§8.2)',
          tags,
          body: TemplatesBody,
          response: { 200: TemplatePage },
        },
      },
      async (request) => {
        const { channel_id, name, status, page, size } = request.body;
        const result = await service.listTemplates(request.caller.appId, channel_id, {
          ...(name ? { name } : {}),
          ...(status ? { status } : {}),
          page,
          size,
        });
        return {
          total: result.total,
          list: result.list.map((t) => ({
            id: t.id,
            name: t.name,
            language: t.language,
            category: t.category,
            status: t.status,
          })),
        };
      },
    );

    app.post(
      '/waba/template/detail',
      {
        schema: {
          summary: 'A template with its content and placeholders (§8.3)',
          tags,
          body: DetailBody,
          response: { 200: TemplateDetail },
        },
      },
      async (request) => {
        const { template: t } = await service.templateDetail(
          request.caller.appId,
          request.body.channel_id,
          request.body.template_id,
        );
        return {
          info: { id: t.id, name: t.name, language: t.language },
          category: t.category,
          status: t.status,
          content: t.content,
          variables: placeholdersOf(t.content),
        };
      },
    );

    app.post(
      '/waba/template/send',
      {
        schema: {
          summary: 'Send a template to many users (§8.4); statuses come back by §8.6 callbacks',
          tags,
          body: SendBody,
          response: { 200: SendResult },
        },
      },
      async (request) => {
        const b = request.body;
        const result = await service.sendTemplates(request.caller.appId, {
          channelId: b.channel_id,
          templateId: b.template_id,
          ...(b.robot_id ? { robotId: b.robot_id } : {}),
          ...(b.callback_url ? { callbackUrl: b.callback_url } : {}),
          users: b.users.map((u) => ({
            id: u.id,
            ...(u.variables ? { variables: u.variables } : {}),
            ...(u.header_media ? { headerMedia: { url: u.header_media.origin_url } } : {}),
            ...(u.custom ? { custom: u.custom } : {}),
          })),
        });
        return {
          waba_task_id: result.wabaTaskId,
          messages: result.messages.map((m) => ({
            user_id: m.userId,
            template_msg_id: m.templateMsgId,
          })),
        };
      },
    );

    app.post(
      '/waba/template/send/result',
      {
        schema: {
          summary: 'Status of the messages of a template send (§8.5)',
          tags,
          body: ResultBody,
          response: { 200: SendResultList },
        },
      },
      async (request) => {
        const { waba_task_id, template_msg_ids } = request.body;
        if (!waba_task_id && !template_msg_ids) {
          throw new AppError('bad_request', 'give waba_task_id or template_msg_ids');
        }
        const { zone, messages } = await service.sendResults(request.caller.appId, {
          ...(waba_task_id ? { wabaTaskId: waba_task_id } : {}),
          ...(template_msg_ids ? { templateMsgIds: template_msg_ids } : {}),
        });
        return messages.map((m) => ({
          template_msg_id: m.id,
          user: { id: m.userId },
          status: wireStatus(m.status),
          send_time: m.sentAt ? formatDateTime(m.sentAt, zone) : '',
          error_code: m.errorCode ?? '',
          error_message: m.errorMessage ?? '',
          call_id: m.conversationId ?? '',
        }));
      },
    );

    app.post(
      '/waba/template/send/single',
      {
        schema: {
          summary: 'Send a template to one user (§8.7); the answer comes back by a §8.8 callback',
          tags,
          body: SingleBody,
          response: { 200: SingleResult },
        },
      },
      async (request) => {
        const b = request.body;
        const result = await service.sendTemplates(request.caller.appId, {
          channelId: b.channel_id,
          templateId: b.template_id,
          single: true,
          ...(b.robot_id ? { robotId: b.robot_id } : {}),
          ...(b.callback_url ? { callbackUrl: b.callback_url } : {}),
          users: [
            {
              id: b.user.id,
              ...(b.variables ? { variables: b.variables } : {}),
              ...(b.header_media ? { headerMedia: { url: b.header_media.origin_url } } : {}),
              ...(b.custom ? { custom: b.custom } : {}),
            },
          ],
        });
        const id = result.messages[0]!.templateMsgId;
        return { template_msg_id: id, msg_id: id, waba_task_id: result.wabaTaskId };
      },
    );
  };
}
