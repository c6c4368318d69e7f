import { Type } from 'typebox';

// Request and response shapes of the webhook endpoints (`data` only: the family adds the envelope).

const Time = (description: string) =>
  Type.String({ description: `${description}, YYYY-MM-DD HH:MM:SS in the app zone` });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const EventStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);

export const WebhookSettings = Type.Object({
  url: Nullable(
    Type.String({
      description: 'Where events are POSTed; null: none (events fail and can be re-sent)',
    }),
  ),
  webhook_secret: Type.String({
    description: 'Standard Webhooks signing secret ("whsec_" + base64) to verify deliveries',
  }),
});

export const SetWebhook = Type.Object(
  {
    url: Nullable(
      Type.String({
        maxLength: 2000,
        description: 'http:// or https:// URL; null or "" removes it',
      }),
    ),
  },
  { additionalProperties: false },
);

export const EventView = Type.Object({
  event_id: Type.String({ description: 'Stable across attempts: the webhook-id header' }),
  type: Type.String({ description: '"call" or "task"' }),
  subject_id: Type.String({ description: 'The call_id or task_id the event is about' }),
  status: EventStatus,
  attempts: Type.Integer({
    description: 'Delivery attempts made since it was recorded or last re-sent',
  }),
  next_attempt_time: Nullable(Time('When a pending event is tried next')),
  last_error: Nullable(Type.String()),
  create_time: Time('When the event was recorded'),
  delivered_time: Nullable(Time('When a receiver answered 2xx')),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'The JSON body POSTed' }),
});

export const ListEventsQuery = Type.Object({
  status: Type.Optional(EventStatus),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const EventList = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  page_size: Type.Integer(),
  list: Type.Array(EventView, { description: 'Newest first' }),
});

export const EventParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const DeliveryView = Type.Object({
  attempt: Type.Integer({ description: '1 for the first attempt' }),
  url: Type.String(),
  start_time: Time('When the request was sent'),
  duration_ms: Type.Integer(),
  http_status: Nullable(Type.Integer({ description: 'null when no response arrived' })),
  error: Nullable(
    Type.String({ description: 'Why the attempt failed: HTTP status, timeout, connection error' }),
  ),
  response_excerpt: Nullable(Type.String({ description: 'Start of the response body' })),
});

export const DeliveryList = Type.Object({
  event: EventView,
  list: Type.Array(DeliveryView, { description: 'Oldest first' }),
});
