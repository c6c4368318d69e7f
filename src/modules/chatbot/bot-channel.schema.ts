import { Type } from 'typebox';

// Request shapes of the channel variants: Huawei (spec/chatbot-api.md §6.1, §6.2) and the bot
// channel (§7.1) on the Chatbot family, and their registration on /v1. A message's fields are
// checked against its type by the service (bot-channel.service.ts), so each mistake gets its own
// message ("messages[2]: image needs media.origin_url") rather than a union's failure list.

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

const WireUser = Type.Object({
  id: Id("The user's id on the channel"),
  name: Type.Optional(Type.String({ maxLength: 256 })),
});

const Option = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256 }),
  title: Type.String({ minLength: 1, maxLength: 256 }),
});

export const WireMessage = Type.Object({
  type: Type.Union(
    ['text', 'image', 'video', 'audio', 'file', 'location', 'contacts', 'interactive'].map((t) =>
      Type.Literal(t),
    ),
    { description: 'text, image, video, audio, file, location, contacts or interactive' },
  ),
  text: Type.Optional(Type.String({ maxLength: 4096 })),
  media: Type.Optional(
    Type.Object({
      origin_url: Type.String({ minLength: 1, maxLength: 2000 }),
      name: Type.Optional(Type.String({ maxLength: 256 })),
    }),
  ),
  location: Type.Optional(
    Type.Object({
      latitude: Type.Number({ minimum: -90, maximum: 90 }),
      longitude: Type.Number({ minimum: -180, maximum: 180 }),
      address: Type.Optional(Type.String({ maxLength: 1000 })),
      name: Type.Optional(Type.String({ maxLength: 1000 })),
    }),
  ),
  contacts: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String({ maxLength: 256 }),
        phone_number: Type.String({ maxLength: 64 }),
      }),
      { minItems: 1, maxItems: 20 },
    ),
  ),
  interactive: Type.Optional(
    Type.Object({
      type: Type.Union([Type.Literal('list_reply'), Type.Literal('button_reply')]),
      list_reply: Type.Optional(Option),
      button_reply: Type.Optional(Option),
    }),
  ),
});

const Messages = Type.Array(WireMessage, {
  minItems: 1,
  maxItems: 50,
  description: 'The user’s messages, in the order they were written',
});

/** §6.1: Huawei passes the user's messages on. */
export const HuaweiMessageBody = Type.Object({
  call_id: Id('Huawei’s session id: the session’s call_id'),
  channel: Type.Literal('HuaWei'),
  channel_id: Id('The Huawei channel, as registered on /v1/chatbot/bot-channels'),
  user: WireUser,
  messages: Messages,
});

/** §7.1: an integrator that owns the channel passes the user's messages on. */
export const BotMessageBody = Type.Object({
  call_id: Id('The integrator’s session id: the session’s call_id'),
  channel: Type.String({ minLength: 1, maxLength: 32, description: 'The integrator’s channel' }),
  channel_id: Id('The bot channel, as registered on /v1/chatbot/bot-channels'),
  robot_id: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,18}$', description: 'The chatbot; default: the channel’s' }),
  ),
  user: WireUser,
  variables: Type.Optional(
    Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
      description: 'Values the bot may use (string to string)',
    }),
  ),
  messages: Messages,
});

/** §6.2: Huawei says whether its agent took the session. */
export const HuaweiTransferBody = Type.Object({
  call_id: Id('The session'),
  channel: Type.Literal('HuaWei'),
  channel_id: Id('The Huawei channel'),
  user: Type.Optional(WireUser),
  result: Type.Union([Type.Literal('success'), Type.Literal('failed')]),
  seat_id: Type.Optional(Type.String({ maxLength: 64 })),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
});

export const EmptyData = Type.Object({});

export const BotChannelKindSchema = Type.Union([Type.Literal('huawei'), Type.Literal('bot')]);

export const BotChannelParams = Type.Object({
  kind: BotChannelKindSchema,
  channelId: Type.String({ minLength: 1, maxLength: 128 }),
});

export const PutBotChannel = Type.Object(
  {
    callback_url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'http(s) URL the bot’s replies, transfer requests and ends are POSTed to',
    }),
    channel_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description:
          'The `channel` our callbacks name (Huawei: always "HuaWei"; bot: default "bot")',
      }),
    ),
    robot_id: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9]{1,18}$' }), Type.Null()], {
        description: 'The chatbot for sessions whose message names none; null: agents only',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BotChannel = Type.Object({
  kind: BotChannelKindSchema,
  channel_id: Type.String(),
  channel_name: Type.String(),
  callback_url: Type.String(),
  robot_id: Type.Union([Type.String(), Type.Null()]),
  create_time: Type.String(),
  update_time: Type.String(),
});

export const PutBotChannelResult = Type.Object({ channel: BotChannel, created: Type.Boolean() });
export const BotChannelList = Type.Object({ list: Type.Array(BotChannel) });
