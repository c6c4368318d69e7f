// A route option the API transport reads (api/encrypted-transport.ts).
declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Requests and responses of the route are never encrypted: the settings routes, so a client
     * that lost its key or is changing it can still read and replace it with its token.
     */
    plaintext?: boolean;
  }
}

export {};
