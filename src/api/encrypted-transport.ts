import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WRONG_KEY, decrypt, DecryptionError, encrypt } from '../modules/encryption/cipher.ts';
import type { EncryptionLookup } from '../modules/encryption/encryption.service.ts';
import '../modules/encryption/route-config.ts';
import type { EncryptionSettings } from '../modules/encryption/settings.ts';
import { wrappedCiphertext } from '../modules/encryption/wrapper.ts';
import { AppError } from '../shared/errors.ts';
import type { Envelope } from './families/envelope.ts';
import { parseJsonBody } from './json-body.ts';

/**
 * Per-app AES on the wire (docs/encryption.md), for one API family. Registered after the
 * family's authentication, which names the app: its request body may come wrapped and encrypted,
 * and the payload of every successful answer leaves encrypted inside the family envelope. Error
 * envelopes stay plaintext, so a client with the wrong key can still read what went wrong.
 * `callerKnownAt` is the hook where the authentication sets the caller (a token is checked on
 * request, a signature once the raw body is read); the app's settings are looked up there.
 */
export function installEncryptedTransport(
  app: FastifyInstance,
  envelope: Envelope,
  encryption: EncryptionLookup,
  callerKnownAt: 'onRequest' | 'preParsing' = 'onRequest',
): void {
  const settingsOf = new WeakMap<FastifyRequest, EncryptionSettings>();
  const member = payloadMember(envelope);

  const lookUp = async (request: FastifyRequest) => {
    const { config } = request.routeOptions;
    if (config.public || config.plaintext) return;
    const settings = await encryption.lookup(request.caller.appId);
    if (settings) settingsOf.set(request, settings);
  };
  if (callerKnownAt === 'onRequest') app.addHook('onRequest', lookUp);
  else
    app.addHook('preParsing', async (request, _reply, payload) => {
      await lookUp(request);
      return payload;
    });

  // Before validation, so the decrypted body meets the route schema like a plaintext one.
  app.addHook('preValidation', async (request) => {
    const settings = settingsOf.get(request);
    if (!settings || request.body === undefined || request.body === null) return;
    const ciphertext = wrappedCiphertext(settings, request.body);
    if (ciphertext === undefined) {
      if (settings.accept_plaintext) return;
      throw new AppError(
        'bad_request',
        `this app accepts encrypted bodies only: {"${settings.wrapper_field}": "<base64>"}`,
      );
    }
    request.body = decryptBody(settings, ciphertext);
  });

  // After serialization: the encrypted text is exactly the JSON a plaintext client would get.
  app.addHook('onSend', async (request, reply, payload) => {
    const settings = settingsOf.get(request);
    if (!settings || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json'))
      return payload;
    const body = JSON.parse(payload) as Record<string, unknown>;
    body[member] = encrypt(settings, Buffer.from(JSON.stringify(body[member] ?? {}), 'utf8'));
    return JSON.stringify(body);
  });
}

function decryptBody(settings: EncryptionSettings, ciphertext: string): unknown {
  const undecryptable = (reason: string) =>
    new AppError('bad_request', `"${settings.wrapper_field}" cannot be decrypted: ${reason}`);
  let plaintext: Buffer;
  try {
    plaintext = decrypt(settings, ciphertext);
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw undecryptable(error.message);
  }
  try {
    // The same checks as a plaintext body: strict UTF-8, storable strings, bounded depth.
    return parseJsonBody(plaintext);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // A wrong CBC key passes the padding check about once in 256 tries and yields garbage: that
    // must read exactly like a failed decryption, or the answer becomes a padding oracle.
    if (error.key === 'invalid_json') throw undecryptable(WRONG_KEY);
    throw new AppError(error.key, `the decrypted body: ${error.detail ?? error.spec.message}`);
  }
}

/** The envelope's payload field ("data", PDS "body"), found by asking the envelope itself. */
function payloadMember(envelope: Envelope): string {
  const marker = {};
  const ok = envelope.ok(marker, '') as Record<string, unknown>;
  const name = Object.keys(ok).find((key) => ok[key] === marker);
  if (!name) throw new Error(`the ${envelope.name} envelope has no payload field`);
  return name;
}
