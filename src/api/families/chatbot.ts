import type { AppError } from '../../shared/errors.ts';
import { botChannelRoutes } from '../../modules/chatbot/bot-channel.routes.ts';
import { chatbotSessionRoutes } from '../../modules/chatbot/chatbot.routes.ts';
import { companyRoutes } from '../../modules/chatbot/company.routes.ts';
import { huaweiRoutes } from '../../modules/chatbot/huawei.routes.ts';
import { wabaRoutes } from '../../modules/messaging/waba.routes.ts';
import { uploadRoutes } from '../../modules/uploads/uploads.routes.ts';
import { signatureAuth } from '../auth/signature.ts';
import { requestIdEnvelope } from './envelope.ts';
import { defineFamily, httpStatusCode } from './family-definition.ts';

/** The errors that keep their HTTP status 401 in the Chatbot family: the request is not signed. */
const AUTHENTICATION_ERRORS = new Set([
  'missing_signature',
  'invalid_signature',
  'expired_signature',
]);

/**
 * §3 (inferred): "keep HTTP status 200 for business errors", the error in `code`. A refused
 * signature keeps 401, and a server fault its 5xx: neither is the business's answer, and clients,
 * proxies and monitors that read the status see them for what they are (docs/api-families.md).
 */
export function chatbotHttpStatus(error: AppError): number {
  if (AUTHENTICATION_ERRORS.has(error.key) || error.spec.http >= 500) return error.spec.http;
  return 200;
}

/**
 * AIRudder's Chatbot/WABA API (spec/chatbot-api.md, docs/chatbot.md, docs/messaging.md): WABA
 * accounts and templates, sessions, agent takeover, uploads, company and event reports. Signed
 * with X-AIRudder-Sign-Key / X-AIRudder-Sign (docs/api-families.md).
 */
export const chatbotFamily = defineFamily({
  name: 'chatbot',
  title: 'Chatbot/WABA',
  prefixes: ['/api/v1'],
  envelope: requestIdEnvelope,
  // §3 (inferred): the business code is the HTTP status of the error.
  errorCode: httpStatusCode,
  errorCodeDoc:
    '`code` is the HTTP status of the error (200 on success), as spec/chatbot-api.md §3 proposes. The HTTP status itself is 200 for every business error (the error is in `code`); only a refused signature (401) and a server fault (5xx) answer with their own status.',
  httpStatus: chatbotHttpStatus,
  // The app's signing keys (AuthService.signingKeys); the timestamp is optional: without it the
  // signature covers the body alone, the spec's default (§2).
  authentication: (services) =>
    signatureAuth({
      keys: (keyId) => services.auth.signingKeys.lookup(keyId),
      timestamp: 'optional',
    }),
  wireHabits: false,
  routes: (services) => [
    chatbotSessionRoutes(services.chatbot),
    huaweiRoutes(services.botChannels),
    botChannelRoutes(services.botChannels),
    companyRoutes(services.company),
    wabaRoutes(services.messaging),
    uploadRoutes(services.uploads),
  ],
});
