import { Type } from 'typebox';

// Shapes of Tiller's own messaging administration (/v1): channels and templates.

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });
const Kind = Type.Union([Type.Literal('whatsapp'), Type.Literal('sms'), Type.Literal('simulated')]);
const Config = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.Union([Type.String(), Type.Number()]),
  {
    description:
      'Provider settings. whatsapp: phoneNumberId, accessToken, appSecret, verifyToken, graphUrl?, apiVersion?; sms: url, systemId, password; simulated: timeScale?. Secrets are never returned.',
  },
);
const SendWindow = Type.Unknown({
  description:
    'Quiet hours in the calling-window format (docs/compliance.md); null = the app windows',
});
const TemplateStatus = Type.Union(
  ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'].map((s) => Type.Literal(s)),
);

export const ChannelParams = Type.Object({
  channelId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const TemplateParams = Type.Object({
  channelId: Type.String({ minLength: 1, maxLength: 64 }),
  templateId: Type.Integer({ minimum: 1 }),
});

export const NewChannel = Type.Object({
  channel_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  kind: Kind,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  phone_number: Type.String({ minLength: 1, maxLength: 40 }),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  config: Type.Optional(Config),
  sends_per_second: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }))),
  send_window: Type.Optional(SendWindow),
  callback_url: Type.Optional(Nullable(Url)),
  default_robot_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
});

export const ChannelChange = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  phone_number: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  config: Type.Optional(Config),
  sends_per_second: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }))),
  send_window: Type.Optional(SendWindow),
  callback_url: Type.Optional(Nullable(Url)),
  default_robot_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
});

export const ChannelOut = Type.Object({
  channel_id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  phone_number: Type.String(),
  status: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  secrets: Type.Array(Type.String(), {
    description: 'Names of the secrets set (values never shown)',
  }),
  sends_per_second: Nullable(Type.Number()),
  send_window: Type.Unknown(),
  callback_url: Nullable(Type.String()),
  default_robot_id: Nullable(Type.String()),
});
export const ChannelOutList = Type.Array(ChannelOut);

const Button = Type.Object({
  type: Type.Union(['QUICK_REPLY', 'OPT_OUT', 'URL', 'PHONE_NUMBER'].map((s) => Type.Literal(s))),
  text: Type.String({ minLength: 1, maxLength: 25 }),
});
export const TemplateContent = Type.Object({
  header: Type.Optional(
    Nullable(
      Type.Object({
        type: Type.Union(['text', 'image', 'video', 'document'].map((s) => Type.Literal(s))),
        text: Type.Optional(Type.String({ maxLength: 60 })),
        media: Type.Optional(Type.Object({ origin_url: Type.String({ maxLength: 2048 }) })),
      }),
    ),
  ),
  body: Type.String({ minLength: 1, maxLength: 1024 }),
  footer: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
  button: Type.Optional(Type.Array(Button, { maxItems: 10 })),
});

export const NewTemplate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 512, pattern: '^[a-z0-9_]+$' }),
  language: Type.String({ minLength: 2, maxLength: 15 }),
  category: Type.Union(['MARKETING', 'UTILITY', 'AUTHENTICATION'].map((s) => Type.Literal(s))),
  status: Type.Optional(TemplateStatus),
  content: TemplateContent,
});
export const TemplateOut = Type.Object({
  id: Type.Integer(),
  channel_id: Type.String(),
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  status: Type.String(),
  content: Type.Unknown(),
});
export const TemplateListQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 512 })),
  status: Type.Optional(TemplateStatus),
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export const TemplateOutPage = Type.Object({
  total: Type.Integer(),
  list: Type.Array(TemplateOut),
});
export const StatusChange = Type.Object({ status: TemplateStatus });
