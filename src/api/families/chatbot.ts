import { uploadRoutes } from '../../modules/uploads/uploads.routes.ts';
import { signatureAuth } from '../auth/signature.ts';
import { requestIdEnvelope } from './envelope.ts';
import { defineFamily, httpStatusCode } from './family-definition.ts';

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
    '`code` is the HTTP status of the error (200 on success), as spec/chatbot-api.md §3 proposes.',
  // Placeholder until signing keys are stored (issue 11): no key is known.
  authentication: () => signatureAuth({ keys: async () => undefined }),
  wireHabits: false,
  routes: (services) => [uploadRoutes(services.uploads)],
});
