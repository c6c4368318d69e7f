import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ChannelView } from './channel-admin.ts';
import type { ChannelPatch } from './channels.repository.ts';
import {
  ChannelChange,
  ChannelOut,
  ChannelOutList,
  ChannelParams,
  NewChannel,
  NewTemplate,
  StatusChange,
  TemplateListQuery,
  TemplateOut,
  TemplateOutPage,
  TemplateParams,
} from './messaging-admin.schema.ts';
import type { MessagingService } from './messaging.service.ts';
import type { TemplateContent, TemplateRecord, TemplateStatus } from './templates.repository.ts';

// Tiller's own messaging administration under /v1: channels (WABA accounts, SMS senders,
// simulated numbers) and their templates. A template's approval is the provider's review, out
// of our reach: the operator records its outcome here (docs/messaging.md).

const channelWire = (c: ChannelView) => ({
  channel_id: c.channelId,
  kind: c.kind,
  name: c.name,
  phone_number: c.phoneNumber,
  status: c.status,
  config: c.config,
  secrets: c.secrets,
  sends_per_second: c.sendsPerSecond,
  send_window: c.sendWindow ?? null,
  callback_url: c.callbackUrl,
  default_robot_id: c.defaultRobotId,
});

const templateWire = (channelId: string, t: TemplateRecord) => ({
  id: t.id,
  channel_id: channelId,
  name: t.name,
  language: t.language,
  category: t.category,
  status: t.status,
  content: t.content,
});

type ChangeBody = {
  name?: string;
  phone_number?: string;
  status?: string;
  config?: Record<string, string | number>;
  sends_per_second?: number | null;
  send_window?: unknown;
  callback_url?: string | null;
  default_robot_id?: string | null;
};

function patchOf(b: ChangeBody): ChannelPatch {
  return {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.phone_number !== undefined ? { phoneNumber: b.phone_number } : {}),
    ...(b.status !== undefined ? { status: b.status } : {}),
    ...(b.config !== undefined ? { config: b.config } : {}),
    ...(b.sends_per_second !== undefined ? { sendsPerSecond: b.sends_per_second } : {}),
    ...(b.send_window !== undefined ? { sendWindow: b.send_window } : {}),
    ...(b.callback_url !== undefined ? { callbackUrl: b.callback_url } : {}),
    ...(b.default_robot_id !== undefined ? { defaultRobotId: b.default_robot_id } : {}),
  };
}

export function messagingAdminRoutes(service: MessagingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['messaging'];

    app.post(
      '/messaging/channels',
      {
        schema: {
          summary: 'Add a messaging channel',
          tags,
          body: NewChannel,
          response: { 200: ChannelOut },
        },
      },
      async (request) => {
        const b = request.body;
        return channelWire(
          await service.createChannel(request.caller.appId, {
            channelId: b.channel_id,
            kind: b.kind,
            name: b.name,
            phoneNumber: b.phone_number,
            ...(b.status !== undefined ? { status: b.status } : {}),
            ...(b.config !== undefined ? { config: b.config } : {}),
            ...(b.sends_per_second !== undefined ? { sendsPerSecond: b.sends_per_second } : {}),
            ...(b.send_window !== undefined ? { sendWindow: b.send_window } : {}),
            ...(b.callback_url !== undefined ? { callbackUrl: b.callback_url } : {}),
            ...(b.default_robot_id !== undefined ? { defaultRobotId: b.default_robot_id } : {}),
          }),
        );
      },
    );

    app.get(
      '/messaging/channels',
      {
        schema: {
          summary: 'Messaging channels of the app',
          tags,
          response: { 200: ChannelOutList },
        },
      },
      async (request) => (await service.channelViews(request.caller.appId)).map(channelWire),
    );

    app.patch(
      '/messaging/channels/:channelId',
      {
        schema: {
          summary: 'Change a channel (config keys merge: a secret stays unless given again)',
          tags,
          params: ChannelParams,
          body: ChannelChange,
          response: { 200: ChannelOut },
        },
      },
      async (request) =>
        channelWire(
          await service.updateChannel(
            request.caller.appId,
            request.params.channelId,
            patchOf(request.body),
          ),
        ),
    );

    app.post(
      '/messaging/channels/:channelId/templates',
      {
        schema: {
          summary: 'Add a template (PENDING unless a status is given)',
          tags,
          params: ChannelParams,
          body: NewTemplate,
          response: { 200: TemplateOut },
        },
      },
      async (request) => {
        const b = request.body;
        const created = await service.createTemplate(
          request.caller.appId,
          request.params.channelId,
          {
            name: b.name,
            language: b.language,
            category: b.category as TemplateRecord['category'],
            ...(b.status ? { status: b.status as TemplateStatus } : {}),
            content: b.content as TemplateContent,
          },
        );
        return templateWire(request.params.channelId, created);
      },
    );

    app.get(
      '/messaging/channels/:channelId/templates',
      {
        schema: {
          summary: 'Templates of a channel',
          tags,
          params: ChannelParams,
          querystring: TemplateListQuery,
          response: { 200: TemplateOutPage },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await service.listTemplates(request.caller.appId, request.params.channelId, {
          ...(q.name ? { name: q.name } : {}),
          ...(q.status ? { status: q.status } : {}),
          page: q.page,
          size: q.size,
        });
        return {
          total: page.total,
          list: page.list.map((t) => templateWire(request.params.channelId, t)),
        };
      },
    );

    app.put(
      '/messaging/channels/:channelId/templates/:templateId/status',
      {
        schema: {
          summary: "Record the provider's review of a template (APPROVED, REJECTED, PAUSED...)",
          tags,
          params: TemplateParams,
          body: StatusChange,
          response: { 200: TemplateOut },
        },
      },
      async (request) =>
        templateWire(
          request.params.channelId,
          await service.setTemplateStatus(
            request.caller.appId,
            request.params.channelId,
            request.params.templateId,
            request.body.status as TemplateStatus,
          ),
        ),
    );
  };
}
