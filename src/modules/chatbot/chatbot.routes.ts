import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../shared/errors.ts';
import { agentContent } from './agent-message.ts';
import type { EndReason } from './chat-events.ts';
import {
  CloseBody,
  Empty,
  MarkReadBody,
  MessageList,
  MessagesBody,
  ReopenBody,
  ReopenResult,
  SendMessageBody,
  SendMessageResult,
  SessionList,
  SessionListBody,
  TransferResultBody,
} from './chatbot.schema.ts';
import type { ChatbotService } from './chatbot.service.ts';
import { messageEntry, sessionEntry } from './chatbot.wire.ts';

// The session endpoints of the Chatbot/WABA family (spec/chatbot-api.md §9.5–§9.10, §9.14),
// mounted under /api/v1. Errors: 400 bad input, 404 unknown session, 409 closed, 422 outside
// the 24-hour window, in the family's envelope.

const END_REASONS: readonly string[] = ['robot', 'user', 'agent', 'timeout', 'system', 'api'];

interface Address {
  call_id: string;
  channel?: string | undefined;
  channel_id?: string | undefined;
  user?: { id: string } | undefined;
}

export function chatbotSessionRoutes(service: ChatbotService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['chatbot sessions'];

    /** A request that names the channel or user must name the session's own. */
    const checkAddress = async (appId: number, body: Address) => {
      const s = await service.getSession(appId, body.call_id);
      // A Huawei/bot channel's callbacks name the channel as the integrator registered it
      // (channel_name, e.g. "WhatsApp"), so the name it sends back is not checked against ours.
      const variant = s.channel === 'HuaWei' || s.channel === 'bot';
      const mismatch =
        (body.channel !== undefined && !variant && body.channel !== s.channel) ||
        (body.channel_id !== undefined && body.channel_id !== s.channelId) ||
        (body.user !== undefined && body.user.id !== s.user.id);
      if (mismatch)
        throw new AppError(
          'session_not_found',
          `call_id ${body.call_id} is not a session of that channel and user`,
        );
    };

    app.post(
      '/session/transfer/result',
      {
        schema: {
          summary: 'Agent transfer result (§9.5): success hands the session to seat_id',
          tags,
          body: TransferResultBody,
          response: { 200: Empty },
        },
      },
      async (request) => {
        const appId = request.caller.appId;
        const b = request.body;
        await checkAddress(appId, b);
        if (b.result === 'success' && !b.seat_id)
          throw new AppError('bad_request', 'seat_id is required when result is success');
        await service.transferResult(appId, {
          callId: b.call_id,
          result: b.result,
          ...(b.seat_id ? { seatId: b.seat_id } : {}),
          ...(b.reason ? { reason: b.reason } : {}),
        });
        return {};
      },
    );

    app.post(
      '/session/list',
      {
        schema: {
          summary: 'Query the conversation list (§9.6), most recently active first',
          tags,
          body: SessionListBody,
          response: { 200: SessionList },
        },
      },
      async (request) => {
        const b = request.body;
        const sessions = await service.listSessions(request.caller.appId, {
          ...(b.channel_id ? { channelId: b.channel_id } : {}),
          ...(b.user_id ? { userId: b.user_id } : {}),
          ...(b.status ? { status: b.status } : {}),
          ...(b.start_time !== undefined ? { startTime: new Date(b.start_time * 1000) } : {}),
          ...(b.end_time !== undefined ? { endTime: new Date(b.end_time * 1000) } : {}),
          ...(b.last_call_id ? { lastCallId: b.last_call_id } : {}),
          ...(b.size !== undefined ? { size: b.size } : {}),
        });
        return sessions.map(sessionEntry);
      },
    );

    app.post(
      '/session/messages',
      {
        schema: {
          summary: 'Query the message list of a session (§9.7), newest first',
          tags,
          body: MessagesBody,
          response: { 200: MessageList },
        },
      },
      async (request) => {
        const b = request.body;
        const messages = await service.listMessages(request.caller.appId, {
          callId: b.call_id,
          ...(b.last_msg_id ? { lastMsgId: b.last_msg_id } : {}),
          ...(b.size !== undefined ? { size: b.size } : {}),
        });
        return messages.map(messageEntry);
      },
    );

    app.post(
      '/session/message/read',
      {
        schema: {
          summary: "Mark the user's messages read (§9.8): all of them, or msg_ids",
          tags,
          body: MarkReadBody,
          response: { 200: Empty },
        },
      },
      async (request) => {
        const b = request.body;
        await service.markRead(request.caller.appId, {
          callId: b.call_id,
          ...(b.msg_ids ? { msgIds: b.msg_ids } : {}),
        });
        return {};
      },
    );

    app.post(
      '/session/message/send',
      {
        schema: {
          summary: 'Send regular message (§9.9): one agent message to the user',
          tags,
          body: SendMessageBody,
          response: { 200: SendMessageResult },
        },
      },
      async (request) => {
        const appId = request.caller.appId;
        const b = request.body;
        const [message] = b.messages;
        if (!message) throw new AppError('bad_request', 'messages must have exactly one item');
        const content = agentContent(message);
        await checkAddress(appId, b);
        const { msgId } = await service.sendAgentMessage(appId, {
          callId: b.call_id,
          senderType: b.sender_type,
          ...(b.seat_id ? { seatId: b.seat_id } : {}),
          message: content,
        });
        return { msg_id: msgId };
      },
    );

    app.post(
      '/session/close',
      {
        schema: {
          summary: 'End session (§9.10): conversation.close, then the §9.4 and §9.13 callbacks',
          tags,
          body: CloseBody,
          response: { 200: Empty },
        },
      },
      async (request) => {
        const appId = request.caller.appId;
        const b = request.body;
        await checkAddress(appId, b);
        // An agent's close is reason "agent"; a named §5.4 reason wins; else the API closed it.
        const reason: EndReason =
          b.reason && END_REASONS.includes(b.reason)
            ? (b.reason as EndReason)
            : b.sender_type
              ? 'agent'
              : 'api';
        await service.close(appId, {
          callId: b.call_id,
          reason,
          ...(b.seat_id ? { seatId: b.seat_id } : {}),
        });
        return {};
      },
    );

    app.post(
      '/session/reopen',
      {
        schema: {
          summary: 'Reopen a closed session (§9.14): to the bot, or to seat_id; 422 outside 24 h',
          tags,
          body: ReopenBody,
          response: { 200: ReopenResult },
        },
      },
      async (request) => {
        const appId = request.caller.appId;
        const b = request.body;
        await checkAddress(appId, b);
        await service.reopen(appId, {
          callId: b.call_id,
          ...(b.seat_id ? { seatId: b.seat_id } : {}),
        });
        return { call_id: b.call_id };
      },
    );
  };
}
