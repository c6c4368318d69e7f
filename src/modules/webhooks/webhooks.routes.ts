import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DeliveryList,
  EventList,
  EventParams,
  EventView,
  ListEventsQuery,
  SetWebhook,
  WebhookSettings,
} from './webhooks.schema.ts';
import type { WebhookService } from './webhooks.service.ts';
import { deliveryLogWire, eventPageWire, eventWire, webhookSettingsWire } from './webhooks.wire.ts';

/** Tiller's own webhook endpoints, mounted under the /v1 family (token auth, cloud-like envelope). */
export function webhookRoutes(service: WebhookService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['webhooks'];

    app.get(
      '/app/webhook',
      {
        schema: {
          summary: 'Webhook URL and signing secret of the app',
          tags,
          response: { 200: WebhookSettings },
        },
      },
      async (request) => webhookSettingsWire(await service.getSettings(request.caller.appId)),
    );

    app.put(
      '/app/webhook',
      {
        schema: {
          summary: 'Set or remove the webhook URL',
          tags,
          body: SetWebhook,
          response: { 200: WebhookSettings },
        },
      },
      async (request) =>
        webhookSettingsWire(await service.setWebhookUrl(request.caller.appId, request.body.url)),
    );

    app.get(
      '/webhooks/events',
      {
        schema: {
          summary: 'Webhook events of the app, newest first',
          tags,
          querystring: ListEventsQuery,
          response: { 200: EventList },
        },
      },
      async (request) =>
        eventPageWire(
          await service.listEvents(request.caller.appId, request.query),
          request.caller.timezone,
        ),
    );

    app.get(
      '/webhooks/events/:id/deliveries',
      {
        schema: {
          summary: 'Delivery attempts of one event (the delivery log)',
          tags,
          params: EventParams,
          response: { 200: DeliveryList },
        },
      },
      async (request) =>
        deliveryLogWire(
          await service.listDeliveries(request.caller.appId, request.params.id),
          request.caller.timezone,
        ),
    );

    app.post(
      '/webhooks/events/:id/resend',
      {
        schema: {
          summary: 'Deliver an event again from its first attempt',
          tags,
          params: EventParams,
          response: { 200: EventView },
        },
      },
      async (request) =>
        eventWire(
          await service.resend(request.caller.appId, request.params.id),
          request.caller.timezone,
        ),
    );
  };
}
