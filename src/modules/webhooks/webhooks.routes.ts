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
      async (request) => service.getSettings(request.caller.appId),
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
      async (request) => service.setWebhookUrl(request.caller.appId, request.body.url),
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
      async (request) => service.listEvents(request.caller.appId, request.query),
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
      async (request) => service.listDeliveries(request.caller.appId, request.params.id),
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
      async (request) => service.resend(request.caller.appId, request.params.id),
    );
  };
}
