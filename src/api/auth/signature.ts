import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../modules/auth/caller.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { keepRawBody } from './raw-body.ts';
import type { AuthStrategy } from './strategy.ts';

/** The app behind a signing key, and the secret it signs with (never sent on the wire). */
export interface SigningKey {
  caller: Caller;
  secret: string;
  /**
   * Accept a request whose signature header is empty or absent (clients that send
   * `X-AIRudder-Sign` blank, as every curl sample of AIRudder's docs does). A signature that is
   * sent is still checked: lenient is no excuse for a wrong one.
   */
  lenient?: boolean;
}

export interface SignatureHeaders {
  /** The public id of the signing key. */
  key: string;
  /** Lowercase hex HMAC-SHA256 (see `signRequest`). */
  signature: string;
  /** Unix seconds at which the client signed. */
  timestamp: string;
}

/**
 * The Chatbot family's headers (../shared/spec/chatbot-api.md §1-2). The key and signature
 * headers are documented; the timestamp header is not (no sample shows one) and is our choice.
 */
export const AIRUDDER_SIGN_HEADERS: SignatureHeaders = {
  key: 'x-airudder-sign-key',
  signature: 'x-airudder-sign',
  timestamp: 'x-airudder-timestamp',
};

export interface SignatureOptions {
  /** Looks a key id up; undefined for a key no app holds (or one revoked). */
  keys(keyId: string): Promise<SigningKey | undefined>;
  headers?: SignatureHeaders;
  /** How far a timestamp may be from now, either way (clock skew and transit). */
  windowSeconds?: number;
  /**
   * 'required' (the default): every request carries the timestamp header and signs it.
   * 'optional': a request without it is signed over the body alone (`signBody`), the scheme the
   * Chatbot spec recommends (§2); with it, over the timestamp and the body, in the window.
   */
  timestamp?: 'required' | 'optional';
  /**
   * Real time by default, not the business clock: the client stamps requests with its own wall
   * clock, and a simulated business clock (TILLER_SIMULATED_START) would refuse every request.
   */
  clock?: Clock;
}

const HEX = /^[0-9a-f]+$/i;

/**
 * The signature of a request: lowercase hex HMAC-SHA256, keyed by the secret, over the timestamp,
 * a ".", and the body bytes exactly as sent (an empty body for a GET). Signing the timestamp with
 * the body is what makes the replay window hold: an old body cannot be re-sent with a new stamp.
 */
export function signRequest(secret: string, timestamp: string | number, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The signature without a timestamp: lowercase hex HMAC-SHA256 of the body bytes alone, keyed by
 * the secret (spec/chatbot-api.md §2's recommended default). Also what AIRudder-style callbacks
 * carry in X-AIRudder-Sign (docs/webhooks.md). Such a request can be replayed: see
 * docs/api-families.md.
 */
export function signBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Request signing for families whose clients hold a key id and a secret instead of a token
 * (AIRudder's Chatbot API). Reads the raw body before fastify parses it, so the signature is
 * checked over the bytes as sent and nothing of an unsigned request reaches a parser or a route.
 * The raw body stays available to routes through `rawBodyOf`.
 */
export function signatureAuth(options: SignatureOptions): AuthStrategy {
  const headers = options.headers ?? AIRUDDER_SIGN_HEADERS;
  const windowMs = (options.windowSeconds ?? 300) * 1000;
  const clock = options.clock ?? systemClock;
  const stampRequired = (options.timestamp ?? 'required') === 'required';

  async function verify(request: FastifyRequest, body: Buffer): Promise<Caller> {
    const keyId = single(request, headers.key);
    const signature = single(request, headers.signature);
    const stamp = single(request, headers.timestamp);
    if (!keyId || (stampRequired && (!signature || !stamp)))
      throw new AppError(
        'missing_signature',
        stampRequired
          ? `send ${headers.key}, ${headers.signature} and ${headers.timestamp}`
          : `send ${headers.key} and ${headers.signature}`,
      );
    if (stamp !== undefined) {
      if (!/^\d{1,12}$/.test(stamp))
        throw new AppError('missing_signature', `${headers.timestamp} must be Unix seconds`);
      // The window is checked before the key is looked up: a stale request costs no lookup.
      if (Math.abs(clock.now().getTime() - Number(stamp) * 1000) > windowMs)
        throw new AppError('expired_signature');
    }
    const key = await options.keys(keyId);
    if (!signature) {
      // Only a lenient key takes a blank signature. An unknown key and a strict one answer alike
      // here, so a blank request cannot tell which key ids exist.
      if (key?.lenient) return key.caller;
      throw new AppError('missing_signature', `${headers.signature} is empty`);
    }
    // An unknown key and a wrong signature answer alike, and cost the same HMAC, so keys cannot
    // be probed.
    const secret = key?.secret ?? '';
    const expected =
      stamp === undefined ? signBody(secret, body) : signRequest(secret, stamp, body);
    if (!sameSignature(signature, expected) || !key) throw new AppError('invalid_signature');
    return key.caller;
  }

  return {
    kind: 'signature',
    callerKnownAt: 'preParsing',
    install(app: FastifyInstance) {
      app.addHook('preParsing', async (request, _reply, payload) => {
        const { raw, stream } = await keepRawBody(request, payload);
        if (!request.routeOptions.config.public) request.caller = await verify(request, raw);
        return stream;
      });
    },
  };
}

/** A header's value; a repeated header arrives joined ("a, b") and fails the checks after. */
function single(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Constant-time comparison of two hex signatures (case-insensitive, as hex is). */
function sameSignature(given: string, expected: string): boolean {
  if (!HEX.test(given) || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}
