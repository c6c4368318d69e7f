import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

// An integrator's client written from docs/encryption.md (and the signature section of
// docs/webhooks.md) alone: node:crypto and fetch, nothing from src/. If the server drifts from
// the docs, the round trip through this client fails.

/** The settings as GET /v1/app/encryption shows them. */
export interface DocSettings {
  mode: 'CBC' | 'ECB' | 'GCM';
  key_bits: 128 | 256;
  key: string;
  iv: 'random-prefix' | 'fixed' | 'none';
  fixed_iv: string | null;
  wrapper_field: string;
}

const ivBytes = (s: DocSettings) => (s.mode === 'GCM' ? 12 : 16);
const algorithm = (s: DocSettings) => `aes-${s.key_bits}-${s.mode.toLowerCase()}`;

/** "Encrypting", steps 1-4; `iv` fixes the random-prefix IV (the worked examples). */
export function encryptText(s: DocSettings, json: string, iv?: Buffer): string {
  const key = Buffer.from(s.key, 'base64');
  const plaintext = Buffer.from(json, 'utf8');
  if (s.mode === 'ECB') {
    const cipher = createCipheriv(algorithm(s), key, null);
    return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
  }
  const theIv =
    s.iv === 'fixed' ? Buffer.from(s.fixed_iv!, 'base64') : (iv ?? randomBytes(ivBytes(s)));
  const prefix = s.iv === 'random-prefix' ? theIv : Buffer.alloc(0);
  if (s.mode === 'GCM') {
    const cipher = createCipheriv(algorithm(s) as 'aes-256-gcm', key, theIv, {
      authTagLength: 16,
    });
    const c = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([prefix, c, cipher.getAuthTag()]).toString('base64');
  }
  const cipher = createCipheriv(algorithm(s), key, theIv);
  return Buffer.concat([prefix, cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** "Decrypting reverses it". */
export function decryptText(s: DocSettings, base64: string): string {
  const key = Buffer.from(s.key, 'base64');
  let bytes = Buffer.from(base64, 'base64');
  let iv: Buffer | null = null;
  if (s.iv === 'random-prefix') {
    iv = bytes.subarray(0, ivBytes(s));
    bytes = bytes.subarray(ivBytes(s));
  } else if (s.iv === 'fixed') {
    iv = Buffer.from(s.fixed_iv!, 'base64');
  }
  if (s.mode === 'GCM') {
    const decipher = createDecipheriv(algorithm(s) as 'aes-256-gcm', key, iv!, {
      authTagLength: 16,
    });
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const c = bytes.subarray(0, bytes.length - 16);
    return Buffer.concat([decipher.update(c), decipher.final()]).toString('utf8');
  }
  const decipher = createDecipheriv(algorithm(s), key, iv);
  return Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8');
}

/** "The wrapper": the JSON body of a request. */
export function wrapBody(s: DocSettings, value: unknown): string {
  return JSON.stringify({ [s.wrapper_field]: encryptText(s, JSON.stringify(value)) });
}

export interface Answer {
  status: number;
  /** The envelope as received. */
  envelope: Record<string, unknown>;
  /** The decrypted payload of a 2xx answer, or the plaintext payload of an error. */
  payload: unknown;
}

/** A client of an app with encryption on: request bodies encrypted, 2xx payloads decrypted. */
export function encryptedClient(base: string, token: string, s: DocSettings) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(base + path, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: wrapBody(s, body) }),
    });
    const envelope = (await response.json()) as Record<string, unknown>;
    // "Responses": the payload field is "data", or "body" for PDS answers.
    const field = 'data' in envelope ? 'data' : 'body';
    const raw = envelope[field];
    const payload =
      response.status < 300 ? JSON.parse(decryptText(s, raw as string)) : (raw as unknown);
    return { status: response.status, envelope, payload };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
  };
}

/** docs/webhooks.md "Signatures", over the raw body as received. */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string')
    return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    const actual = Buffer.from(value ?? '', 'base64');
    return (
      version === 'v1' && actual.length === expected.length && timingSafeEqual(actual, expected)
    );
  });
}

/** "Webhooks": verify the raw body, then decrypt the wrapper to the event. */
export function openWebhook(
  s: DocSettings,
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Record<string, unknown> {
  if (!verifyWebhook(secret, headers, rawBody)) throw new Error('webhook signature mismatch');
  const wrapper = JSON.parse(rawBody) as Record<string, string>;
  return JSON.parse(decryptText(s, wrapper[s.wrapper_field]!)) as Record<string, unknown>;
}
