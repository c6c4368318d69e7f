import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../modules/auth/auth.service.ts';
import { AppError } from '../../shared/errors.ts';
import type { AuthStrategy } from './strategy.ts';

const TOKEN = /^(?:Token|Bearer)\s*(\S+)\s*$/i;

/** `Token <t>`, `Bearer <t>` and `Token<t>` (no space) all carry a token. */
export function tokenFrom(header: string | undefined): string | undefined {
  return header ? TOKEN.exec(header)?.[1] : undefined;
}

/**
 * The AIRudder voice families' scheme: a token from `/auth` in the Authorization header, checked
 * before anything else of the request is read (the body is never parsed for a stranger).
 */
export function tokenAuth(auth: AuthService): AuthStrategy {
  return {
    kind: 'token',
    callerKnownAt: 'onRequest',
    install(app: FastifyInstance) {
      app.addHook('onRequest', async (request) => {
        if (request.routeOptions.config.public) return;
        const token = tokenFrom(request.headers.authorization);
        if (!token) throw new AppError('missing_token');
        request.caller = await auth.authenticate(token);
      });
    },
  };
}
