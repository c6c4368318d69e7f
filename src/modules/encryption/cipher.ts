import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';

// AES over bytes, with the byte layout of docs/encryption.md: base64 (RFC 4648 standard
// alphabet, padded) of [IV][ciphertext][GCM tag]. Pure: no store, no HTTP, so it can be checked
// against known vectors.

export type CipherMode = 'CBC' | 'ECB' | 'GCM';
export type KeyBits = 128 | 256;
/** random-prefix: a fresh IV before the ciphertext; fixed: a configured IV, not sent; none: ECB. */
export type IvSource = 'random-prefix' | 'fixed' | 'none';
export type Padding = 'PKCS7' | 'none';

export interface CipherSettings {
  mode: CipherMode;
  key_bits: KeyBits;
  /** base64 of key_bits / 8 bytes. */
  key: string;
  iv: IvSource;
  /** base64 of 16 bytes when iv is 'fixed', otherwise null. */
  fixed_iv: string | null;
  /** PKCS7 for CBC and ECB, none for GCM (a stream mode has nothing to pad). */
  padding: Padding;
}

export const BLOCK_BYTES = 16;
export const GCM_TAG_BYTES = 16;

/** Bytes of IV the mode takes: 12 is GCM's standard nonce, the size it is designed and proven for. */
export function ivLength(mode: CipherMode): number {
  return mode === 'GCM' ? 12 : mode === 'CBC' ? BLOCK_BYTES : 0;
}

/** Why a ciphertext was refused; the message is safe to show to the client. */
export class DecryptionError extends Error {}

/** The one answer for every way a ciphertext fails to yield a body (see `run`). */
export const WRONG_KEY =
  'it does not decrypt with the app key and settings (wrong key, mode or IV, or altered data)';

const WHITESPACE = /[\t\n\r ]/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64: the standard alphabet, padding optional, line breaks and spaces ignored (some
 * Java encoders wrap lines). Buffer.from alone silently drops invalid characters.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const clean = text.replace(WHITESPACE, '');
  if (!BASE64.test(clean)) return undefined;
  const unpadded = clean.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  if (clean.length !== unpadded.length && clean.length % 4 !== 0) return undefined;
  return Buffer.from(unpadded, 'base64');
}

function algorithm(s: CipherSettings): string {
  return `aes-${s.key_bits}-${s.mode.toLowerCase()}`;
}

const gcm = (bits: KeyBits): CipherGCMTypes => (bits === 128 ? 'aes-128-gcm' : 'aes-256-gcm');

function keyOf(s: CipherSettings): Buffer {
  const key = decodeBase64(s.key);
  if (!key || key.length * 8 !== s.key_bits) throw new Error('invalid encryption key');
  return key;
}

function fixedIv(s: CipherSettings): Buffer {
  const iv = s.fixed_iv === null ? undefined : decodeBase64(s.fixed_iv);
  if (!iv || iv.length !== ivLength(s.mode)) throw new Error('invalid fixed IV');
  return iv;
}

/**
 * Encrypts `plaintext` and returns the base64 text. `iv` replaces the random one of
 * 'random-prefix' (known-answer tests; webhooks derive theirs so retries send the same bytes).
 */
export function encrypt(s: CipherSettings, plaintext: Uint8Array, iv?: Uint8Array): string {
  const key = keyOf(s);
  let prefix: Buffer = Buffer.alloc(0);
  let cipherIv: Buffer | null = null;
  if (s.iv === 'random-prefix') {
    prefix = iv ? Buffer.from(iv) : randomBytes(ivLength(s.mode));
    if (prefix.length !== ivLength(s.mode)) throw new Error('IV of the wrong length');
    cipherIv = prefix;
  } else if (s.iv === 'fixed') {
    cipherIv = fixedIv(s);
  }
  if (s.mode === 'GCM') {
    const cipher = createCipheriv(gcm(s.key_bits), key, cipherIv!, {
      authTagLength: GCM_TAG_BYTES,
    });
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([prefix, body, cipher.getAuthTag()]).toString('base64');
  }
  const cipher = createCipheriv(algorithm(s), key, cipherIv);
  return Buffer.concat([prefix, cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** Decrypts the base64 text of `encrypt`; throws DecryptionError with the reason otherwise. */
export function decrypt(s: CipherSettings, text: string): Buffer {
  const bytes = decodeBase64(text);
  if (!bytes) throw new DecryptionError('the ciphertext is not base64');
  const key = keyOf(s);
  const prefixBytes = s.iv === 'random-prefix' ? ivLength(s.mode) : 0;
  const iv =
    s.iv === 'random-prefix'
      ? bytes.subarray(0, prefixBytes)
      : s.iv === 'fixed'
        ? fixedIv(s)
        : null;
  const body = bytes.subarray(prefixBytes);
  if (s.mode === 'GCM') {
    if (body.length < GCM_TAG_BYTES)
      throw new DecryptionError(
        `the ciphertext is too short: ${bytes.length} bytes, at least ${prefixBytes + GCM_TAG_BYTES} expected`,
      );
    const decipher = createDecipheriv(gcm(s.key_bits), key, iv!, {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
    return run(() =>
      Buffer.concat([
        decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)),
        decipher.final(),
      ]),
    );
  }
  if (body.length === 0 || body.length % BLOCK_BYTES !== 0)
    throw new DecryptionError(
      `the ciphertext${prefixBytes ? ' after the IV' : ''} is ${body.length} bytes, not a positive multiple of ${BLOCK_BYTES}`,
    );
  const decipher = createDecipheriv(algorithm(s), key, iv);
  return run(() => Buffer.concat([decipher.update(body), decipher.final()]));
}

/**
 * One message for a wrong key, bad padding and a failed GCM tag alike: telling them apart would
 * hand out a padding oracle.
 */
function run(fn: () => Buffer): Buffer {
  try {
    return fn();
  } catch {
    throw new DecryptionError(WRONG_KEY);
  }
}
