import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../messaging-channel.ts';

// Meta signs every webhook POST with the app secret over the exact bytes it sent
// (`X-Hub-Signature-256: sha256=<hex>`), and proves a subscription with a GET handshake.

/** The header value Meta sends for `rawBody` (the fake server signs with it too). */
export function signatureOf(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Throws WebhookSignatureError unless `X-Hub-Signature-256` is the HMAC of these raw bytes. The
 * check runs on the bytes as received: a body parsed and serialised again (key order, spaces,
 * escapes) is different bytes and must fail, so never hand this a re-serialised body.
 */
export function checkSignature(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  appSecret: string,
): void {
  const header = headerValue(headers, 'x-hub-signature-256');
  if (!header) throw new WebhookSignatureError('missing X-Hub-Signature-256');
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) throw new WebhookSignatureError('malformed X-Hub-Signature-256');
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new WebhookSignatureError('X-Hub-Signature-256 does not match the body');
}

/** The GET handshake: `hub.challenge` when mode and token match, else undefined (answer 403). */
export function answerHandshake(
  query: Record<string, string | undefined>,
  verifyToken: string,
): string | undefined {
  if (query['hub.mode'] !== 'subscribe') return undefined;
  const token = query['hub.verify_token'];
  if (typeof token !== 'string' || !verifyToken) return undefined;
  const a = Buffer.from(token);
  const b = Buffer.from(verifyToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  const challenge = query['hub.challenge'];
  return typeof challenge === 'string' && challenge !== '' ? challenge : undefined;
}

/** Headers by lower-case name (node lower-cases them; other callers may not). */
function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
