import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import type { AuthService } from './auth.service.ts';
import { TokenData, TokenRequest } from './auth.schema.ts';

/**
 * `POST <prefix>/auth`: APPKey + APPSecret for a token, as JSON, form-urlencoded or multipart
 * (real AIRudder clients send all three). Mounted by the cloud and the PDS families.
 */
export function authRoutes(auth: AuthService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The AIRudder families read form bodies already (src/api/wire-habits.ts); alone, this does.
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded'))
      await app.register(formbody);
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: 1024, files: 0 },
    });
    // A malformed multipart body (no or empty boundary, truncated parts) makes the parser throw
    // plain Errors without a status, which the family would answer as a 500; they are the
    // client's input (found by test/faults/bad-input.test.ts). Errors from the handler on pass.
    const parsed = new WeakSet<FastifyRequest>();
    app.addHook('preHandler', async (request) => {
      parsed.add(request);
    });
    // After such an error the parser has stopped reading the request (it unpipes and leaves it
    // paused), so the rest of a large body would stay in the socket and hang the next request
    // on the keep-alive connection until its timeout; close the connection instead.
    app.addHook('onSend', async (request, reply) => {
      if (request.isMultipart() && !request.raw.complete) reply.header('connection', 'close');
    });
    app.setErrorHandler((error, request) => {
      const e = error as { statusCode?: unknown; message?: unknown };
      if (
        !parsed.has(request) &&
        request.isMultipart() &&
        !(error instanceof AppError) &&
        e.statusCode === undefined
      ) {
        throw new AppError(
          'bad_request',
          `the multipart body cannot be read: ${String(e.message)}`,
        );
      }
      throw error;
    });
    app.post(
      '/auth',
      {
        config: { public: true },
        preValidation: credentialsAreText,
        schema: {
          summary: 'Exchange APPKey and APPSecret for a token valid 24 h',
          tags: ['auth'],
          body: TokenRequest,
          response: { 200: TokenData },
        },
      },
      async (request) => ({
        token: await auth.issueToken(request.body.APPKey, request.body.APPSecret),
      }),
    );
  };
}

/**
 * Other routes coerce a number where the spec says string (a task_id sent as 123 is fine), but
 * credentials are issued as text: `{"APPKey": 123}` is a malformed request (400), not a wrong
 * key (403), and a client must learn that rather than retry with other numbers.
 */
async function credentialsAreText(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === null || typeof body !== 'object') return;
  for (const name of ['APPKey', 'APPSecret']) {
    const value = (body as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'string')
      throw new AppError('bad_request', `body/${name} must be a string, not ${typeOf(value)}`);
  }
}

const typeOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
