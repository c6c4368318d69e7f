import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';

// The exact bytes of a request body, for the families whose authentication needs them: a request
// signature is computed over the bytes as sent, not over JSON re-serialised after parsing (key
// order, spacing and escapes would differ), and a provider webhook checks its own signature the
// same way. Only the strategies that need it read the body this way; token families never pay.

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/**
 * Reads the whole body (within the route's body limit), remembers it for `rawBodyOf` and returns
 * a fresh stream of the same bytes for fastify's body parser. Meant for a `preParsing` hook.
 */
export async function keepRawBody(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
): Promise<{ raw: Buffer; stream: Readable }> {
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw new AppError('payload_too_large');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    // Stop reading as soon as the limit is passed: a body without Content-Length must not be
    // buffered whole before it is refused.
    if (length > limit) throw new AppError('payload_too_large');
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks, length);
  rawBodies.set(request, raw);
  return { raw, stream: Readable.from(length === 0 ? [] : [raw]) };
}

/** The body exactly as received; empty for a request without one. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  const raw = rawBodies.get(request);
  if (raw === undefined)
    throw new Error(
      `no raw body for ${request.method} ${request.url}: only families authenticated by signature or none keep it`,
    );
  return raw;
}
