import type { FastifyInstance } from 'fastify';
import { keepRawBody } from './raw-body.ts';
import type { AuthStrategy } from './strategy.ts';

/**
 * No authentication by the family: for provider webhooks (WhatsApp's X-Hub-Signature-256, a
 * carrier's callback) whose route checks the provider's own signature. Those signatures cover the
 * raw bytes, so the body is kept for `rawBodyOf`; no `request.caller` is ever set, and a family
 * with this strategy cannot use per-app encryption (there is no app to ask).
 */
export function noAuth(): AuthStrategy {
  return {
    kind: 'none',
    callerKnownAt: undefined,
    install(app: FastifyInstance) {
      app.addHook('preParsing', async (request, _reply, payload) => {
        return (await keepRawBody(request, payload)).stream;
      });
    },
  };
}
