import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ChatContent } from './chat-content.ts';
import {
  AgentList,
  AssignBody,
  CallParams,
  ConversationDetail,
  ConversationList,
  ConversationResult,
  ListConversationsQuery,
  MessagesQuery,
  OptionalSeatBody,
  PutAgent,
  PutAgentResult,
  QueueList,
  ReadBody,
  SeatBody,
  SeatParams,
  SendBody,
  SendResult,
  SnoozeBody,
} from './inbox.schema.ts';
import type { InboxService } from './inbox.service.ts';
import { Type } from 'typebox';

/** The agent inbox under the /v1 family (docs/agent-inbox.md). */
export function inboxRoutes(inbox: InboxService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['inbox'];
    const conv = '/inbox/conversations/:callId';

    app.put(
      '/inbox/agents',
      {
        schema: {
          summary: 'Create an agent, or update the one with this seat_id',
          tags,
          body: PutAgent,
          response: { 200: PutAgentResult },
        },
      },
      async (request) =>
        inbox.putAgent(request.caller.appId, {
          seatId: request.body.seat_id,
          name: request.body.name,
          ...(request.body.queues ? { queues: request.body.queues } : {}),
        }),
    );

    app.get(
      '/inbox/agents',
      { schema: { summary: 'Agents, by seat_id', tags, response: { 200: AgentList } } },
      async (request) => inbox.listAgents(request.caller.appId),
    );

    app.delete(
      '/inbox/agents/:seatId',
      {
        schema: {
          summary: 'Remove an agent (their conversations keep their seat_id)',
          tags,
          params: SeatParams,
          response: { 200: Type.Object({ seat_id: Type.String() }) },
        },
      },
      async (request) => inbox.removeAgent(request.caller.appId, request.params.seatId),
    );

    app.get(
      '/inbox/queues',
      {
        schema: {
          summary: 'Queues with their pending, waiting, open, snoozed and unread counts',
          tags,
          response: { 200: QueueList },
        },
      },
      async (request) => inbox.queues(request.caller.appId),
    );

    app.get(
      '/inbox/conversations',
      {
        schema: {
          summary: 'Conversations, most recently active first, with unread counts and last message',
          tags,
          querystring: ListConversationsQuery,
          response: { 200: ConversationList },
        },
      },
      async (request) => inbox.conversations(request.caller.appId, request.query),
    );

    app.get(
      conv,
      {
        schema: {
          summary: 'One conversation and its messages, newest first (last_msg_id pages back)',
          tags,
          params: CallParams,
          querystring: MessagesQuery,
          response: { 200: ConversationDetail },
        },
      },
      async (request) =>
        inbox.detail(request.caller.appId, request.params.callId, {
          ...(request.query.last_msg_id ? { lastMsgId: request.query.last_msg_id } : {}),
          ...(request.query.size ? { size: request.query.size } : {}),
        }),
    );

    const schema = <B>(summary: string, body: B) => ({
      schema: { summary, tags, params: CallParams, body, response: { 200: ConversationResult } },
    });

    app.post(
      `${conv}/assign`,
      schema('Give the conversation to an agent (and queue)', AssignBody),
      async (request) =>
        inbox.assign(
          request.caller.appId,
          request.params.callId,
          request.body.seat_id,
          request.body.queue,
        ),
    );

    app.post(
      `${conv}/take_over`,
      schema('An agent takes the conversation from the bot: the bot stops at once', SeatBody),
      async (request) =>
        inbox.takeOver(request.caller.appId, request.params.callId, request.body.seat_id),
    );

    app.post(
      `${conv}/release`,
      schema('Hand the conversation back to the bot', OptionalSeatBody),
      async (request) => inbox.release(request.caller.appId, request.params.callId),
    );

    app.post(
      `${conv}/messages`,
      {
        schema: {
          summary: 'Send an agent message (422 outside the WhatsApp 24-hour window)',
          tags,
          params: CallParams,
          body: SendBody,
          response: { 200: SendResult },
        },
      },
      async (request) =>
        inbox.send(request.caller.appId, request.params.callId, {
          seatId: request.body.seat_id,
          senderType: request.body.sender_type ?? 'agent',
          content: request.body.content as ChatContent,
        }),
    );

    app.post(
      `${conv}/read`,
      schema("Mark the user's messages read (all, or those in msg_ids)", ReadBody),
      async (request) =>
        inbox.markRead(request.caller.appId, request.params.callId, request.body.msg_ids),
    );

    app.post(
      `${conv}/snooze`,
      schema("Snooze until a time, or until the user's next message", SnoozeBody),
      async (request) =>
        inbox.snooze(request.caller.appId, request.params.callId, request.body.until),
    );

    app.post(
      `${conv}/resolve`,
      schema('Resolve (close) the conversation', OptionalSeatBody),
      async (request) =>
        inbox.resolve(request.caller.appId, request.params.callId, request.body.seat_id),
    );

    app.post(
      `${conv}/reopen`,
      schema(
        'Reopen a resolved conversation: to the bot, or to the agent named (422 outside the window)',
        OptionalSeatBody,
      ),
      async (request) =>
        inbox.reopen(request.caller.appId, request.params.callId, request.body.seat_id),
    );
  };
}
