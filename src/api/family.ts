import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { AuthService } from '../modules/auth/auth.service.ts';
import type { EncryptionLookup } from '../modules/encryption/encryption.service.ts';
import { AppError } from '../shared/errors.ts';
import type { AuthStrategy } from './auth/strategy.ts';
import { tokenAuth } from './auth/token.ts';
import { installEncryptedTransport } from './encrypted-transport.ts';
import type { Envelope } from './families/envelope.ts';
import { unmatchedError } from './method-not-allowed.ts';
import { toAppError } from './to-app-error.ts';
import { installWireHabits } from './wire-habits.ts';

export { tokenFrom } from './auth/token.ts';

export interface FamilyOptions {
  envelope: Envelope;
  routes: Array<FastifyPluginAsync>;
  /** How callers authenticate (src/api/auth/); without it, the token of `auth`. */
  authentication?: AuthStrategy;
  /** Shorthand for `authentication: tokenAuth(auth)`. */
  auth?: AuthService;
  /** Per-app AES of bodies (docs/encryption.md); without it every body is plaintext. */
  encryption?: EncryptionLookup;
  /**
   * Accept what real AIRudder clients send (keys in any case, JSON as form-urlencoded; see
   * wire-habits.ts). The AIRudder families do; Tiller's own /v1 takes its documented shapes.
   */
  wireHabits?: boolean;
}

/**
 * One API family mounted at one prefix: its routes answer in its envelope, with its error codes,
 * and need its authentication unless marked public. Route modules declare the schema of `data`
 * only; the envelope around it is added here, to the payload and to the schema (so the OpenAPI
 * document shows it too). A family is described once in src/api/families/; this is the mechanism.
 */
export const familyPlugin: FastifyPluginAsync<FamilyOptions> = async (app, options) => {
  const { envelope, routes, encryption, wireHabits } = options;
  const authentication = options.authentication ?? (options.auth && tokenAuth(options.auth));
  if (!authentication) throw new Error(`the ${envelope.name} family has no authentication`);

  app.addHook('onRoute', (route) => {
    const response = (route.schema?.response ?? {}) as Record<string, TSchema>;
    const wrapped: Record<string, TSchema> = {};
    for (const [status, schema] of Object.entries(response)) {
      wrapped[status] = status.startsWith('2') ? envelope.okSchema(schema) : schema;
    }
    wrapped['4xx'] = envelope.errorSchema;
    wrapped['5xx'] = envelope.errorSchema;
    route.schema = { ...route.schema, response: wrapped };
  });

  authentication.install(app);
  // After authentication: the caller names the app, whose settings decide.
  if (encryption) {
    if (!authentication.callerKnownAt)
      throw new Error(`the ${envelope.name} family names no caller, so it cannot encrypt per app`);
    installEncryptedTransport(app, envelope, encryption, authentication.callerKnownAt);
  }
  if (wireHabits) installWireHabits(app);

  app.addHook('preSerialization', async (request, reply, payload) =>
    reply.statusCode < 300 ? envelope.ok(payload, request.id) : payload,
  );

  app.setErrorHandler((error, request, reply) => sendError(envelope, error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(envelope, unmatchedError(app, request, reply), request, reply),
  );

  for (const routes_ of routes) await app.register(routes_);
};

export function sendError(
  envelope: Envelope,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let appError = toAppError(error);
  if (!appError) {
    request.log.error({ err: error }, 'unhandled error');
    appError = new AppError('internal');
  } else if (appError.spec.http >= 500) {
    request.log.error({ err: error }, appError.message);
  }
  const status = envelope.httpStatusOf(appError);
  const body = envelope.error(appError, request.id);
  if (status >= 300) return reply.code(status).send(body);
  // An error answered with a 2xx status (the Chatbot family's business errors): serialised here,
  // so neither the success envelope (preSerialization) nor the route's success schema touch it.
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export type { FastifyInstance };
