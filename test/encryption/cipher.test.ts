import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  decodeBase64,
  decrypt,
  DecryptionError,
  encrypt,
  type CipherSettings,
} from '../../src/modules/encryption/cipher.ts';
import { resolveSettings } from '../../src/modules/encryption/settings.ts';
import { wrapWebhook } from '../../src/modules/encryption/wrapper.ts';
import { decryptText, encryptText } from './docs-client.ts';

// The cipher against known answers (computed with node:crypto and checked with `openssl enc`),
// the worked examples of docs/encryption.md, and the client written from those docs.

const key256 = Buffer.from([...Array(32).keys()]).toString('base64');
const key128 = Buffer.from([...Array(16).keys()]).toString('base64');
const iv16 = Buffer.from([...Array(16).keys()].map((i) => 0xf0 + i));
const iv12 = iv16.subarray(0, 12);
const TEXT = '{"task_id":"b1a9e2ea80c94f3c9a21551b6454b414"}';

/** The worked examples of docs/encryption.md: settings, IV, expected base64. */
const VECTORS: Array<[string, CipherSettings, Buffer | undefined, string]> = [
  [
    'CBC-256 random-prefix (the default)',
    {
      mode: 'CBC',
      key_bits: 256,
      key: key256,
      iv: 'random-prefix',
      fixed_iv: null,
      padding: 'PKCS7',
    },
    iv16,
    '8PHy8/T19vf4+fr7/P3+/+L3dF46Oce2g6JWsNdwL39MJcuAfzVDmSgN5ghW1FwTR7juG3tzs5IVdLtp/ZKClQ==',
  ],
  [
    'CBC-128 fixed IV',
    {
      mode: 'CBC',
      key_bits: 128,
      key: key128,
      iv: 'fixed',
      fixed_iv: iv16.toString('base64'),
      padding: 'PKCS7',
    },
    undefined,
    'pg1yi0p02l+DnAlnXcRx8IHhf2q3ZCZzO7g5wVIhrOo71BFkOxxS+cWHrb+0Mrwy',
  ],
  [
    'ECB-128',
    { mode: 'ECB', key_bits: 128, key: key128, iv: 'none', fixed_iv: null, padding: 'PKCS7' },
    undefined,
    'oO2cVl206+0Gc8Rd3POo8MHYRnlq/plen6pDNiifLIS9YdrnFhOHytlyGadZq80r',
  ],
  [
    'GCM-256 random-prefix',
    {
      mode: 'GCM',
      key_bits: 256,
      key: key256,
      iv: 'random-prefix',
      fixed_iv: null,
      padding: 'none',
    },
    iv12,
    '8PHy8/T19vf4+fr7EiQ3YQ9RjR371c247HsDj3XTPKMANyyhYjAAw2BS4DYpJSfmdreErfps/0c1RAyWsUs7ZNbOUZpDvS1o8f0=',
  ],
];

const settingsOf = (input: Parameters<typeof resolveSettings>[0]) => resolveSettings(input);

/** Every mode, key size and IV source the settings allow. */
const COMBINATIONS = (['CBC', 'ECB', 'GCM'] as const).flatMap((mode) =>
  ([128, 256] as const).flatMap((key_bits) =>
    (mode === 'CBC' ? (['random-prefix', 'fixed'] as const) : [undefined]).map((iv) =>
      settingsOf({ mode, key_bits, ...(iv ? { iv } : {}) }),
    ),
  ),
);

const docs = readFileSync(new URL('../../docs/encryption.md', import.meta.url), 'utf8');

describe('AES cipher', () => {
  it('gives the known answers of docs/encryption.md, which the docs client gives too', () => {
    for (const [name, settings, iv, expected] of VECTORS) {
      assert.equal(encrypt(settings, Buffer.from(TEXT), iv), expected, name);
      assert.equal(decrypt(settings, expected).toString('utf8'), TEXT, name);
      const docSettings = { ...settings, wrapper_field: 'data' };
      assert.equal(encryptText(docSettings, TEXT, iv), expected, `${name}: docs client`);
      assert.equal(decryptText(docSettings, expected), TEXT, `${name}: docs client`);
      assert.ok(docs.includes(expected), `${name}: docs/encryption.md shows ${expected}`);
    }
  });

  it('matches node:crypto directly for the default layout (IV prefix, PKCS#7)', () => {
    const settings = VECTORS[0]![1];
    const cipher = createCipheriv('aes-256-cbc', Buffer.from(key256, 'base64'), iv16);
    const direct = Buffer.concat([iv16, cipher.update(TEXT), cipher.final()]).toString('base64');
    assert.equal(encrypt(settings, Buffer.from(TEXT), iv16), direct);
  });

  it('round-trips every mode, key size and IV source, across padding boundaries', () => {
    assert.equal(COMBINATIONS.length, 8);
    for (const settings of COMBINATIONS) {
      const what = `${settings.mode}-${settings.key_bits} ${settings.iv}`;
      for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 1000]) {
        const text = JSON.stringify({ s: 'é€😀'.repeat(length).slice(0, length) });
        const sealed = encrypt(settings, Buffer.from(text));
        assert.equal(decrypt(settings, sealed).toString('utf8'), text, `${what}, ${length}`);
        // Both directions against the client written from the docs.
        const docSettings = { ...settings };
        assert.equal(decryptText(docSettings, sealed), text, `${what}: docs client decrypts`);
        assert.equal(
          decrypt(settings, encryptText(docSettings, text)).toString('utf8'),
          text,
          `${what}: server decrypts the docs client`,
        );
      }
    }
  });

  it('uses a fresh IV per message with random-prefix, none with ECB and fixed', () => {
    for (const settings of COMBINATIONS) {
      const a = encrypt(settings, Buffer.from(TEXT));
      const b = encrypt(settings, Buffer.from(TEXT));
      if (settings.iv === 'random-prefix') assert.notEqual(a, b, settings.mode);
      else assert.equal(a, b, `${settings.mode} ${settings.iv} is deterministic`);
    }
  });

  it('refuses altered GCM data and a wrong key, with one message for both', () => {
    const [, gcm, , sealed] = VECTORS[3]!;
    const bytes = Buffer.from(sealed, 'base64');
    for (const index of [12, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index]! ^= 1;
      assert.throws(
        () => decrypt(gcm, altered.toString('base64')),
        (e) => e instanceof DecryptionError && /does not decrypt/.test(e.message),
        `byte ${index}`,
      );
    }
    const wrongKey = { ...gcm, key: randomBytes(32).toString('base64') };
    assert.throws(() => decrypt(wrongKey, sealed), /does not decrypt with the app key/);
    const [, cbc, , cbcSealed] = VECTORS[0]!;
    const cbcWrong = { ...cbc, key: Buffer.alloc(32, 7).toString('base64') };
    assert.throws(() => decrypt(cbcWrong, cbcSealed), /does not decrypt with the app key/);
  });

  it('refuses what is not base64 or not whole blocks, naming the reason', () => {
    const [, cbc] = VECTORS[0]!;
    assert.throws(() => decrypt(cbc, 'not base64!'), /not base64/);
    assert.throws(() => decrypt(cbc, 'ab-_'), /not base64/, 'the URL-safe alphabet is refused');
    assert.throws(
      () => decrypt(cbc, Buffer.alloc(36).toString('base64')),
      /after the IV is 20 bytes, not a positive multiple of 16/,
    );
    assert.throws(() => decrypt(cbc, Buffer.alloc(16).toString('base64')), /is 0 bytes/);
    assert.throws(() => decrypt(VECTORS[3]![1], 'AAAA'), /too short/);
  });

  it('reads base64 with or without padding and with line breaks', () => {
    const [, cbc, , sealed] = VECTORS[0]!;
    const unpadded = sealed.replace(/=+$/, '');
    const wrapped = sealed.slice(0, 40) + '\r\n' + sealed.slice(40);
    assert.equal(decrypt(cbc, unpadded).toString('utf8'), TEXT);
    assert.equal(decrypt(cbc, wrapped).toString('utf8'), TEXT);
    assert.deepEqual(decodeBase64('abc'), Buffer.from('abc=', 'base64'), 'unpadded');
    assert.equal(decodeBase64('a'), undefined, 'one character cannot be base64');
    assert.equal(decodeBase64('ab=c'), undefined, 'padding only at the end');
  });

  it('derives webhook IVs from the event: same bytes per event, different between events', () => {
    for (const settings of COMBINATIONS) {
      const payload = '{"task_id":"t"}';
      const first = wrapWebhook(settings, 'e1', payload);
      assert.equal(
        wrapWebhook(settings, 'e1', payload),
        first,
        'every attempt sends the same bytes',
      );
      const text = JSON.parse(first).data as string;
      assert.equal(decrypt(settings, text).toString('utf8'), payload);
      if (settings.iv === 'random-prefix') {
        assert.notEqual(wrapWebhook(settings, 'e2', payload), first);
        assert.notEqual(
          wrapWebhook(settings, 'e1', '{"task_id":"u"}').slice(8, 24),
          first.slice(8, 24),
        );
      }
    }
  });
});
