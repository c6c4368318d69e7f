import { Type, type Static } from 'typebox';

// Request and response shapes of the session endpoints (spec/chatbot-api.md §9.5–§9.10, §9.14;
// `data` only: the family adds the envelope). Content objects (§5.7) are open: their rules are
// checked by agent-message.ts so that every bad message gets one clear bad_request.

const CallId = Type.String({ minLength: 1, maxLength: 64, description: 'The session id' });
const SeatId = Type.String({ minLength: 1, maxLength: 128, description: 'The agent seat' });
const UserRef = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Open = (description: string) => Type.Unknown({ description });
const Size = Type.Integer({ minimum: 1, maximum: 100, description: 'Page size, default 20' });

/** Who a request says the session is with; checked against the session when given. */
const SessionAddress = {
  channel: Type.Optional(Type.String({ maxLength: 32, description: 'WhatsApp, SMS, …' })),
  channel_id: Type.Optional(Type.String({ maxLength: 64 })),
  user: Type.Optional(UserRef),
};

export const TransferResultBody = Type.Object({
  call_id: CallId,
  ...SessionAddress,
  result: Type.Union([Type.Literal('success'), Type.Literal('failed')]),
  seat_id: Type.Optional(Type.String({ maxLength: 128, description: 'Required on success' })),
  reason: Type.Optional(Type.String({ maxLength: 512 })),
});

export const SessionListBody = Type.Object({
  channel_id: Type.Optional(Type.String({ maxLength: 64 })),
  user_id: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(
    Type.Union(
      ['', 'open', 'transferring', 'agent', 'closed'].map((s) => Type.Literal(s)),
      { description: 'open (the bot answers), transferring, agent, closed' },
    ),
  ),
  start_time: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Unix seconds, session start from' }),
  ),
  end_time: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Unix seconds, session start to' }),
  ),
  last_call_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Cursor: the last call_id of the previous page' }),
  ),
  size: Type.Optional(Size),
});

const LastMessage = Type.Object({
  msg_id: Type.String(),
  sender_type: Type.String(),
  timestamp: Type.Integer(),
  content: Open('§5.7 content'),
});

export const SessionEntry = Type.Object({
  call_id: Type.String(),
  channel: Type.String(),
  channel_id: Type.String(),
  user: Type.Object({ id: Type.String(), name: Type.String() }),
  robot_id: Type.String(),
  seat_id: Type.String(),
  status: Type.String({ description: 'open | transferring | agent | closed' }),
  session_start_time: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app zone' }),
  session_end_time: Type.String({ description: "'' while the session is live" }),
  unread: Type.Integer(),
  last_msg: Type.Union([LastMessage, Type.Null()]),
});
export const SessionList = Type.Array(SessionEntry);

export const MessagesBody = Type.Object({
  call_id: CallId,
  last_msg_id: Type.Optional(Type.String({ maxLength: 80, description: "Cursor; '' = newest" })),
  size: Type.Optional(Size),
});

export const MessageEntry = Type.Object({
  msg_id: Type.String(),
  seat_id: Type.String(),
  timestamp: Type.Integer(),
  sender_type: Type.String(),
  status: Type.String(),
  content: Open('§5.7 content'),
  reply: Type.Optional(Open('The quoted message, flattened: {msg_id, type, <type object>}')),
});
export const MessageList = Type.Array(MessageEntry);

export const MarkReadBody = Type.Object({
  call_id: CallId,
  msg_ids: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 1000 })),
});

export const AgentMessageType = Type.Union(
  ['text', 'image', 'video', 'audio', 'file', 'location', 'interactive'].map((t) =>
    Type.Literal(t),
  ),
);

/** §9.9 exactly as the seed documents it. */
export const SendMessageBody = Type.Object({
  channel: Type.Optional(Type.String({ maxLength: 32, description: 'WhatsApp' })),
  channel_id: Type.Optional(Type.String({ maxLength: 64, description: 'The WABA account used' })),
  user: Type.Optional(UserRef),
  call_id: CallId,
  sender_type: Type.Union([Type.Literal('agent'), Type.Literal('agent_system')]),
  seat_id: Type.Optional(Type.String({ maxLength: 128, description: 'Tiller: the agent writing' })),
  messages: Type.Array(
    Type.Object({
      type: AgentMessageType,
      text: Type.Optional(Type.String({ minLength: 1, maxLength: 2096 })),
      media: Type.Optional(Type.Union([Open('{origin_url, name?}'), Type.Null()])),
      location: Type.Optional(
        Type.Union([Open('{latitude, longitude, name, address}'), Type.Null()]),
      ),
      interactive: Type.Optional(Type.Union([Open('§5.7 button or list'), Type.Null()])),
    }),
    { minItems: 1, maxItems: 1 },
  ),
});
export type SendMessageBody = Static<typeof SendMessageBody>;

export const SendMessageResult = Type.Object({ msg_id: Type.String() });

export const CloseBody = Type.Object({
  call_id: CallId,
  ...SessionAddress,
  sender_type: Type.Optional(Type.Union([Type.Literal('agent'), Type.Literal('agent_system')])),
  seat_id: Type.Optional(SeatId),
  reason: Type.Optional(Type.String({ maxLength: 512 })),
});

export const ReopenBody = Type.Object({
  call_id: CallId,
  channel_id: Type.Optional(Type.String({ maxLength: 64 })),
  user: Type.Optional(UserRef),
  seat_id: Type.Optional(SeatId),
});
export const ReopenResult = Type.Object({ call_id: Type.String() });

export const Empty = Type.Object({});
