import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { MessagingService } from './messaging.service.ts';
import { MAX_SMS_LENGTH, MAX_SMS_RECIPIENTS } from './sms-sends.ts';

// AIRudder's SMS send (spec/workflow-api.md Appendix A), mounted in the sms family
// (/service/sms, token auth, `{code:0, body}`). Delivery reports go to callbackUrl
// (docs/messaging.md, "SMS delivery reports").

const SmsSend = Type.Object({
  to: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
    minItems: 1,
    maxItems: MAX_SMS_RECIPIENTS,
    description: 'Numbers in international form (+ optional)',
  }),
  message: Type.String({ minLength: 1, maxLength: MAX_SMS_LENGTH }),
  from: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'The SMS sender: channel_id or number',
  }),
  callbackUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' })),
});
const SmsSent = Type.Object({ messageId: Type.String() });

export function smsRoutes(service: MessagingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/message/v2/send',
      {
        schema: {
          summary: 'Send one SMS to each number; delivery reports go to callbackUrl',
          tags: ['sms'],
          body: SmsSend,
          response: { 200: SmsSent },
        },
      },
      async (request) => {
        const { to, message, from, callbackUrl } = request.body;
        return service.sendSms(request.caller.appId, {
          to,
          message,
          from,
          ...(callbackUrl ? { callbackUrl } : {}),
        });
      },
    );
  };
}
