import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from './auth.service.ts';
import { TokenData, TokenRequest } from './auth.schema.ts';

/**
 * `POST <prefix>/auth`: APPKey + APPSecret for a token, as JSON, form-urlencoded or multipart
 * (real AIRudder clients send all three). Mounted by the cloud and the PDS families.
 */
export function authRoutes(auth: AuthService): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(formbody);
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: 1024, files: 0 },
    });
    app.post(
      '/auth',
      {
        config: { public: true },
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
