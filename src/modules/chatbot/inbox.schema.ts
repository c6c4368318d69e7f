import { Type } from 'typebox';

// Request and response shapes of the agent inbox (/v1/inbox, docs/agent-inbox.md); `data` only,
// the /v1 family adds the envelope. Times are "YYYY-MM-DD HH:MM:SS" in the app's zone.

const SeatId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: "The agent's seat id (the spec's seat_id), no surrounding spaces",
});
const QueueName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'Queue name (letters, digits, _ . : -)',
});
const Time = Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app zone' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const Agent = Type.Object({
  seat_id: Type.String(),
  name: Type.String(),
  queues: Type.Array(Type.String()),
  create_time: Time,
});

export const PutAgent = Type.Object(
  {
    seat_id: SeatId,
    name: Type.String({ minLength: 1, maxLength: 120 }),
    queues: Type.Optional(
      Type.Array(QueueName, {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Queues the agent works (default ["default"])',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PutAgentResult = Type.Object({
  agent: Agent,
  created: Type.Boolean({ description: 'false: an agent with this seat_id was updated' }),
});

export const AgentList = Type.Object({ list: Type.Array(Agent) });

export const SeatParams = Type.Object({ seatId: SeatId });

export const QueueCounts = Type.Object({
  queue: Type.String(),
  pending: Type.Integer({ description: 'Conversations the bot holds' }),
  waiting: Type.Integer({ description: 'Of those, the ones the bot handed off to an agent' }),
  open: Type.Integer({ description: 'Conversations an agent holds' }),
  snoozed: Type.Integer(),
  unread: Type.Integer({ description: 'User messages no agent has read, in live conversations' }),
  agents: Type.Integer({ description: 'Agents working the queue' }),
});

export const QueueList = Type.Object({ list: Type.Array(QueueCounts) });

export const InboxStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('open'),
  Type.Literal('snoozed'),
  Type.Literal('resolved'),
]);

export const LastMessage = Type.Object({
  msg_id: Type.String(),
  sender_type: Type.String(),
  seat_id: Type.String(),
  timestamp: Type.Integer({ description: 'Unix seconds' }),
  status: Type.String(),
  content: Type.Unknown({ description: 'The spec §5.7 content object' }),
});

export const Conversation = Type.Object({
  call_id: Type.String(),
  channel: Type.String(),
  channel_id: Type.String(),
  user: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  robot_id: Type.Union([Type.String(), Type.Null()]),
  status: InboxStatus,
  session_status: Type.String({
    description: 'The Chatbot API status: open, transferring, agent or closed',
  }),
  waiting: Type.Boolean({ description: 'The bot handed it off; no agent holds it yet' }),
  seat_id: Type.String({ description: "The agent holding it ('' none)" }),
  queue: Type.String(),
  unread: Type.Integer(),
  snoozed_until: NullableTime,
  end_reason: Type.Union([Type.String(), Type.Null()]),
  start_time: Time,
  end_time: NullableTime,
  last_message_time: Time,
  last_message: Type.Union([LastMessage, Type.Null()]),
});

export const ListConversationsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        [
          Type.Literal('pending'),
          Type.Literal('waiting'),
          Type.Literal('open'),
          Type.Literal('snoozed'),
          Type.Literal('resolved'),
        ],
        { description: '"waiting": pending conversations handed off to an agent' },
      ),
    ),
    queue: Type.Optional(QueueName),
    assignee: Type.Optional(
      Type.String({ maxLength: 64, description: "A seat id; 'none' for unassigned" }),
    ),
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    channel_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);

export const ConversationList = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  page_size: Type.Integer(),
  list: Type.Array(Conversation, { description: 'Most recently active first' }),
});

export const CallParams = Type.Object({
  callId: Type.String({ minLength: 1, maxLength: 128 }),
});

export const MessagesQuery = Type.Object(
  {
    last_msg_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const ConversationDetail = Type.Object({
  conversation: Conversation,
  messages: Type.Array(Type.Unknown(), {
    description: 'Newest first, in the shape of the Chatbot API message list (§9.7)',
  }),
});

export const AssignBody = Type.Object(
  { seat_id: SeatId, queue: Type.Optional(QueueName) },
  { additionalProperties: false },
);

export const SeatBody = Type.Object({ seat_id: SeatId }, { additionalProperties: false });

export const OptionalSeatBody = Type.Object(
  { seat_id: Type.Optional(SeatId) },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    seat_id: SeatId,
    sender_type: Type.Optional(
      Type.Union([Type.Literal('agent'), Type.Literal('agent_system')], { default: 'agent' }),
    ),
    content: Type.Object(
      { type: Type.String({ minLength: 1, maxLength: 32 }) },
      { additionalProperties: true, description: 'A §5.7 content object, as §9.9 takes it' },
    ),
  },
  { additionalProperties: false },
);

export const SendResult = Type.Object({ msg_id: Type.String() });

export const ReadBody = Type.Object(
  {
    msg_ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 500 }),
    ),
  },
  { additionalProperties: false },
);

export const SnoozeBody = Type.Object(
  {
    until: Type.Optional(
      Type.String({
        description: 'YYYY-MM-DD HH:MM:SS in the app zone; absent: until the user writes again',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ConversationResult = Type.Object({ conversation: Conversation });
