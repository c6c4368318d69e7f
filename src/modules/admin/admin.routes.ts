import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../shared/errors.ts';
import { adminTokenMatches } from './admin-endpoint.ts';
import { adminOperations, runAdminOperation, type AdminContext } from './admin-operations.ts';

export const ADMIN_TOKEN_HEADER = 'x-tiller-admin-token';

/**
 * The operator's commands over HTTP, mounted in the /v1 family as /v1/admin/:operation. Only the
 * server that holds the embedded store mounts it, so `tiller app create` and the other admin
 * commands work while it runs; the token comes from the data directory (admin-endpoint.ts), not
 * from an app, so the app-token check of the family is skipped (public) and this one applies.
 */
export function adminRoutes(context: AdminContext, adminToken: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      const given = request.headers[ADMIN_TOKEN_HEADER];
      if (!adminTokenMatches(adminToken, typeof given === 'string' ? given : undefined)) {
        throw new AppError('invalid_token', `the ${ADMIN_TOKEN_HEADER} header is missing or wrong`);
      }
    });

    app.post(
      '/admin/:operation',
      {
        config: { public: true },
        // A DNC import carries its whole CSV file.
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          summary:
            'Run an admin command (what the tiller CLI sends while this server holds the embedded store)',
          description: `Operations: ${Object.keys(adminOperations).join(', ')}. Authenticated by the X-Tiller-Admin-Token header, whose value the server writes into <TILLER_DATA_DIR>/admin.json.`,
          tags: ['admin'],
          params: Type.Object({ operation: Type.String({ maxLength: 64 }) }),
          body: Type.Record(Type.String(), Type.Unknown()),
        },
      },
      async (request) =>
        runAdminOperation(context, request.params.operation, request.body) as Promise<object>,
    );
  };
}
