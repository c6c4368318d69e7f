import type { FastifyInstance } from 'fastify';

/**
 * How the callers of one API family prove who they are. A strategy installs its hooks on the
 * family's own fastify instance, first of the family's hooks; once they have run, `request.caller`
 * names the app (except on routes marked `public`, and never for a strategy that names no caller).
 */
export interface AuthStrategy {
  readonly kind: 'token' | 'signature' | 'none';
  install(app: FastifyInstance): void;
  /**
   * The hook after which `request.caller` is set, so that per-app settings (the encrypted
   * transport) are looked up there; undefined when the strategy never names a caller.
   */
  readonly callerKnownAt: 'onRequest' | 'preParsing' | undefined;
}
