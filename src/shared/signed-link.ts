import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature of a link that works without an Authorization header (a browser, a CRM, a
// media player, WhatsApp's media fetcher can open it) and only until it expires: an HMAC-SHA256,
// under a key only the server knows, of what the link opens and its expiry. Recordings
// (modules/recordings/signed-links.ts) and uploads (modules/uploads/) sign with it; each names
// its subjects with a prefix of its own ("call:", "task:", "upload:"), so a signature for one
// never opens another.

/** The hex signature of `subject` valid until `expires` (Unix seconds). */
export function linkSignature(key: string, subject: string, expires: number): string {
  return createHmac('sha256', key).update(`${subject}:${expires}`).digest('hex');
}

/** True when `sig` is the signature of `subject` and `expires`, and `expires` is after `nowMs`. */
export function checkLinkSignature(
  key: string,
  subject: string,
  expires: string,
  sig: string,
  nowMs: number,
): boolean {
  if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return false;
  const at = Number(expires);
  const expected = Buffer.from(linkSignature(key, subject, at), 'hex');
  // Compare before looking at the time, so a stale link and a forged one cost the same.
  const genuine = timingSafeEqual(expected, Buffer.from(sig, 'hex'));
  return genuine && at * 1000 > nowMs;
}
