import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { adminRoutes } from '../modules/admin/admin.routes.ts';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import type { Services } from '../modules/services.ts';
import { complianceRoutes } from '../modules/compliance/compliance.routes.ts';
import { dncRoutes } from '../modules/dnc/dnc.routes.ts';
import { encryptionRoutes } from '../modules/encryption/encryption.routes.ts';
import { planRoutes, strategyAdminRoutes } from '../modules/plans/plans.routes.ts';
import { recordingFileRoutes, recordingRoutes } from '../modules/recordings/recordings.routes.ts';
import { robotAdminRoutes, robotRoutes } from '../modules/robots/robots.routes.ts';
import { taskRoutes } from '../modules/tasks/tasks.routes.ts';
import { webhookRoutes } from '../modules/webhooks/webhooks.routes.ts';
import { newId } from '../shared/ids.ts';
import { cloudEnvelope, pdsEnvelope, v1Envelope } from './envelopes.ts';
import { familyPlugin, sendError } from './family.ts';
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
      const envelope = request.url.startsWith('/service/callcenter/call/predict')
        ? pdsEnvelope
        : v1Envelope;
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
 * The HTTP API: one plugin per AIRudder family, plus Tiller's own /v1 and the ops routes. With an
 * admin token (the server that holds the embedded store), also the CLI's /v1/admin API.
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

  const family = (prefix: string, options: Parameters<typeof familyPlugin>[1]) =>
    app.register(familyPlugin, { ...options, encryption: services.encryption, prefix });
  const { auth } = services;
  const routes = (...plugins: FastifyPluginAsync[]) => plugins;

  await family('/service/cloud', {
    envelope: cloudEnvelope,
    wireHabits: true,
    auth,
    routes: routes(
      authRoutes(auth),
      robotRoutes(services.robots),
      taskRoutes(services.tasks),
      recordingRoutes(services.recordings),
      planRoutes(services.plans),
    ),
  });
  await family('/service/callcenter/call/predict', {
    envelope: pdsEnvelope,
    wireHabits: true,
    auth,
    routes: routes(authRoutes(auth)),
  });
  await family('/v1', {
    envelope: v1Envelope,
    auth,
    routes: routes(
      webhookRoutes(services.webhooks),
      robotAdminRoutes(services.robots),
      strategyAdminRoutes(services.plans),
      dncRoutes(services.dnc),
      encryptionRoutes(services.encryption),
      complianceRoutes(services.compliance),
      ...(options.adminToken ? [adminRoutes(services, options.adminToken)] : []),
    ),
  });
  // Anything outside the families answers in the Tiller envelope.
  app.setErrorHandler((error, request, reply) => sendError(v1Envelope, error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(v1Envelope, unmatchedError(app, request, reply), request, reply),
  );
  // Signed links: no token, no envelope (a browser or a CRM fetches the audio directly).
  await app.register(recordingFileRoutes(services.recordings));

  await app.ready();
  return app;
}
