import { createHmac } from 'node:crypto';
import { decodeBase64, encrypt, ivLength } from './cipher.ts';
import type { EncryptionSettings } from './settings.ts';

// The JSON object an encrypted body travels in: `{"<wrapper_field>": "<base64>"}`, nothing else.

/** The ciphertext of a parsed request body that is the wrapper object; undefined for any other body. */
export function wrappedCiphertext(s: EncryptionSettings, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  const value = (body as Record<string, unknown>)[s.wrapper_field];
  return keys.length === 1 && keys[0] === s.wrapper_field && typeof value === 'string'
    ? value
    : undefined;
}

/** The wrapper object's JSON text around the encryption of `json` (a JSON text). */
export function wrap(s: EncryptionSettings, json: string, iv?: Uint8Array): string {
  return JSON.stringify({ [s.wrapper_field]: encrypt(s, Buffer.from(json, 'utf8'), iv) });
}

/**
 * The body of one webhook delivery. Its IV is derived from the key, the event id and the payload
 * (HMAC-SHA256, truncated) instead of drawn at random, so every attempt of an event sends the
 * same bytes, as docs/webhooks.md promises; a different payload or key gives a different IV, so a
 * GCM nonce never repeats with different plaintext.
 */
export function wrapWebhook(s: EncryptionSettings, eventId: string, payload: string): string {
  if (s.iv !== 'random-prefix') return wrap(s, payload);
  const iv = createHmac('sha256', decodeBase64(s.key)!)
    .update(`tiller-webhook-iv\n${eventId}\n${payload}`)
    .digest()
    .subarray(0, ivLength(s.mode));
  return wrap(s, payload, iv);
}
