import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The error for a request no route matched: 405 with an `Allow` header when the path exists
 * for other methods (a GET on the POST-only /task), else 404. Fastify itself answers 404 for
 * both, which sends an integrator looking for a typo in a path that is right.
 */
export function unmatchedError(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): AppError {
  const path = request.url.split('?', 1)[0] ?? '';
  const allowed = METHODS.filter(
    (method) => method !== request.method && app.findRoute({ method, url: path }) !== null,
  );
  if (allowed.length === 0) return new AppError('not_found');
  reply.header('allow', allowed.join(', '));
  return new AppError('method_not_allowed', `${request.method} ${path}; use ${allowed.join(', ')}`);
}
