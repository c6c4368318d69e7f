import type { FastifyPluginAsync } from 'fastify';
import type { MessagingService } from './messaging.service.ts';

// The WhatsApp Cloud API's webhook (docs/messaging.md, "Inbound"): public, outside the AIRudder
// families, at /webhooks/whatsapp/<channel_id> (the URL an operator gives Meta for the
// channel). GET is the verification handshake; POST is checked by the channel's adapter over the
// exact bytes received (X-Hub-Signature-256), stored as a job and answered 200 at once. A bad
// signature stores nothing and answers 403; an unknown channel 404.

const BODY_LIMIT = 3 * 1024 * 1024; // Meta's payloads stay under 3 MB

export function whatsappWebhookRoutes(service: MessagingService): FastifyPluginAsync {
  return async (app) => {
    // The bytes as sent: the signature covers them, not JSON re-serialised after parsing.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );

    app.get<{ Params: { channelId: string }; Querystring: Record<string, string | undefined> }>(
      '/webhooks/whatsapp/:channelId',
      { schema: { hide: true } },
      async (request, reply) => {
        const challenge = await service.verifyHandshake(request.params.channelId, request.query);
        if (challenge === undefined) return reply.code(403).type('text/plain').send('forbidden');
        return reply.code(200).type('text/plain').send(challenge);
      },
    );

    app.post<{ Params: { channelId: string }; Body: Buffer }>(
      '/webhooks/whatsapp/:channelId',
      { schema: { hide: true }, bodyLimit: BODY_LIMIT },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await service.receiveWebhook(
          request.params.channelId,
          raw,
          request.headers,
        );
        if (outcome === 'unknown') return reply.code(404).send({ error: 'unknown channel' });
        if (outcome === 'forbidden') return reply.code(403).send({ error: 'bad signature' });
        return reply.code(200).send({});
      },
    );
  };
}
