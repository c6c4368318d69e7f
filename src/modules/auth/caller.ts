import type { Caller } from './auth.service.ts';

// Every authenticated route reads the calling app from the request; the API layer sets it.
declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** The route needs no token (the /auth routes themselves). */
    public?: boolean;
  }
}

export type { Caller };
