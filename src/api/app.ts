import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { recordingFileRoutes } from '../modules/recordings/recordings.routes.ts';
import { whatsappWebhookRoutes } from '../modules/messaging/whatsapp-webhook.routes.ts';
import { uploadFileRoutes } from '../modules/uploads/uploads.routes.ts';
import type { Services } from '../modules/services.ts';
import { newId } from '../shared/ids.ts';
import { families, fallbackFamily, familyForUrl } from './families/index.ts';
import { mountFamily } from './families/mount.ts';
import { sendError } from './family.ts';
import { installJsonBodyParser } from './json-body.ts';
import { unmatchedError } from './method-not-allowed.ts';
import { AppError } from '../shared/errors.ts';
import { registerOpenApi } from './openapi.ts';
import { opsRoutes } from './ops.routes.ts';

/**
 * A fastify instance with the server's own validation and body parsing, before any route: the
 * base of the API, and of tests that mount one module's routes alone.
 */
export function bareApp(logger?: FastifyBaseLogger) {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : {}),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Fastify answers a URL it cannot decode, or a path parameter over maxParamLength, before
    // routing, past every error handler and in its own error shape; answer them in the family
    // envelope like any other bad input (found by test/faults/bad-input.test.ts).
    frameworkErrors: (error, request, reply) => {
      const envelope = familyForUrl(request.url).wire;
      const detail =
        error.code === 'FST_ERR_BAD_URL'
          ? 'the URL is not valid percent-encoded UTF-8'
          : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'a path parameter is too long'
            : undefined;
      const appError = detail === undefined ? error : new AppError('bad_request', detail);
      return sendError(envelope, appError, request as FastifyRequest, reply as FastifyReply);
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installJsonBodyParser(app);
  return app;
}

/**
 * The HTTP API: the ops routes, then every registered API family (src/api/families/index.ts:
 * AIRudder's families and Tiller's own /v1). With an admin token (the server that holds the
 * embedded store), /v1 also carries the CLI's admin API.
 */
export async function buildApp(
  services: Services,
  isReady: () => boolean = () => true,
  options: { adminToken?: string } = {},
): Promise<FastifyInstance> {
  const app = bareApp(services.log as FastifyBaseLogger);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    services.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  await registerOpenApi(app);
  await app.register(opsRoutes, {
    db: services.db,
    metrics: services.metrics,
    clock: services.clock,
    isReady,
  });

  for (const family of families) await mountFamily(app, family, services, options);
  // Anything outside the families answers in the fallback family's envelope (Tiller's).
  const fallback = fallbackFamily.wire;
  app.setErrorHandler((error, request, reply) => sendError(fallback, error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(fallback, unmatchedError(app, request, reply), request, reply),
  );
  // Signed links: no token, no envelope (a browser or a CRM fetches the audio directly).
  await app.register(recordingFileRoutes(services.recordings));
  // Provider webhooks: the provider's own signature, no token, no envelope (docs/messaging.md).
  await app.register(whatsappWebhookRoutes(services.messaging));
  await app.register(uploadFileRoutes(services.uploads));

  await app.ready();
  return app;
}
