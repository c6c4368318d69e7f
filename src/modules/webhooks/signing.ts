import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

// Standard Webhooks (standardwebhooks.com), unbranded `webhook-*` headers, so receivers can use
// any Standard Webhooks library (svix's included) instead of code written for Tiller.

const SECRET_PREFIX = 'whsec_';

/** Receivers reject timestamps further than this from their clock (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

// A type alias, not an interface, so it passes wherever a plain header record is expected.
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export class WebhookVerificationError extends Error {}

// Decoding the secret and making its key object costs as much as the HMAC itself; a worker signs
// thousands of deliveries a second with a handful of apps' secrets.
const keys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1_000;

function key(secret: string): KeyObject {
  let cached = keys.get(secret);
  if (!cached) {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    cached = createSecretKey(Buffer.from(encoded, 'base64'));
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, cached);
  }
  return cached;
}

function signature(secret: string, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', key(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * The headers for one delivery attempt. `body` must be the exact bytes sent: the signature covers
 * them, so the caller serializes once and sends what it signed.
 */
export function sign(secret: string, id: string, timestamp: number, body: string): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature(secret, id, timestamp, body)}`,
  };
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new WebhookVerificationError(`missing ${name} header`);
  return text;
}

/**
 * Checks a received webhook the way a receiver should: timestamp within the tolerance, and one of
 * the space-separated `v1,` signatures (several during a secret rotation) matching. Throws
 * WebhookVerificationError otherwise. `headers` uses lowercase names (node:http's IncomingMessage).
 */
export function verify(
  secret: string,
  headers: HeaderBag,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): void {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const timestamp = Number(timestampText);
  if (!/^\d+$/.test(timestampText) || !Number.isSafeInteger(timestamp)) {
    throw new WebhookVerificationError('invalid webhook-timestamp header');
  }
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
  }
  const expected = Buffer.from(signature(secret, id, timestamp, body), 'base64');
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const actual = Buffer.from(value, 'base64');
    // Compare equal lengths only: timingSafeEqual throws otherwise, and length is not secret.
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return;
  }
  throw new WebhookVerificationError('no matching signature');
}
