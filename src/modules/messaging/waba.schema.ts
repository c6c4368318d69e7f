import { Type } from 'typebox';
import { MAX_BATCH_USERS } from './template-sends.ts';

// Request and response shapes of the WABA endpoints (spec/chatbot-api.md §8; `data` only: the
// Chatbot family adds the request_id envelope). Field names are the spec's.

const ChannelField = Type.Optional(Type.String({ description: '"WhatsApp"', maxLength: 40 }));
const ChannelId = Type.String({ minLength: 1, maxLength: 64, description: 'The WABA sender id' });
const TemplateId = Type.Integer({ minimum: 1, description: 'The template id (§8.2)' });
const Variables = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }), {
  description: 'Placeholder values by name ({{1}} → "1", {{name}} → "name")',
});
const Custom = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }), {
  description: 'Free values carried to the chatbot session and the callbacks',
});
const HeaderMedia = Type.Object({ origin_url: Type.String({ minLength: 1, maxLength: 2048 }) });
const UserId = Type.String({ minLength: 1, maxLength: 20, description: 'MSISDN without +' });
const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });

export const AccountsBody = Type.Object({ channel: ChannelField });
export const Account = Type.Object({
  channel: Type.String(),
  channel_id: Type.String(),
  phone_number: Type.String(),
  name: Type.String(),
  status: Type.String(),
});
export const AccountList = Type.Array(Account);

export const TemplatesBody = Type.Object({
  channel: ChannelField,
  channel_id: ChannelId,
  name: Type.Optional(Type.String({ maxLength: 512, description: 'Part of the name' })),
  status: Type.Optional(
    Type.Union(
      ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'].map((s) => Type.Literal(s)),
    ),
  ),
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export const TemplateSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  status: Type.String(),
});
export const TemplatePage = Type.Object({
  total: Type.Integer(),
  list: Type.Array(TemplateSummary),
});

export const DetailBody = Type.Object({
  channel: ChannelField,
  channel_id: ChannelId,
  template_id: TemplateId,
});
export const TemplateDetail = Type.Object({
  info: Type.Object({ id: Type.Integer(), name: Type.String(), language: Type.String() }),
  category: Type.String(),
  status: Type.String(),
  content: Type.Unknown(),
  variables: Type.Array(Type.String()),
});

export const SendBody = Type.Object({
  channel: ChannelField,
  channel_id: ChannelId,
  template_id: TemplateId,
  robot_id: Type.Optional(Type.String({ maxLength: 64 })),
  users: Type.Array(
    Type.Object({
      id: UserId,
      variables: Type.Optional(Variables),
      header_media: Type.Optional(HeaderMedia),
      custom: Type.Optional(Custom),
    }),
    { minItems: 1, maxItems: MAX_BATCH_USERS },
  ),
  callback_url: Type.Optional(Url),
});
export const SendResult = Type.Object({
  waba_task_id: Type.String(),
  messages: Type.Array(Type.Object({ user_id: Type.String(), template_msg_id: Type.String() })),
});

export const ResultBody = Type.Object({
  waba_task_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  template_msg_ids: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
  ),
});
export const SendResultRow = Type.Object({
  template_msg_id: Type.String(),
  user: Type.Object({ id: Type.String() }),
  status: Type.String(),
  send_time: Type.String(),
  error_code: Type.String(),
  error_message: Type.String(),
  call_id: Type.String(),
});
export const SendResultList = Type.Array(SendResultRow);

export const SingleBody = Type.Object({
  channel: ChannelField,
  channel_id: ChannelId,
  template_id: TemplateId,
  user: Type.Object({ id: UserId }),
  variables: Type.Optional(Variables),
  header_media: Type.Optional(HeaderMedia),
  robot_id: Type.Optional(Type.String({ maxLength: 64 })),
  custom: Type.Optional(Custom),
  callback_url: Type.Optional(Url),
});
export const SingleResult = Type.Object({
  template_msg_id: Type.String(),
  msg_id: Type.String(),
  waba_task_id: Type.String(),
});
