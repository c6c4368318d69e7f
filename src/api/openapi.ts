import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3 generated from the route schemas; served at /openapi.json with a reference at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tiller API',
        version: '0.1.0',
        description:
          'AIRudder-compatible calling API. Cloud routes answer {code,status,data}; PDS routes answer {code,message,body}. ' +
          'Authenticate with POST /service/cloud/auth, then send "Authorization: Token <token>".',
      },
      components: {
        securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization' } },
      },
      security: [{ token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
