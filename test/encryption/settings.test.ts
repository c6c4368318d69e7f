import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSettings, type EncryptionInput } from '../../src/modules/encryption/settings.ts';
import { AppError } from '../../src/shared/errors.ts';

// The defaults and the refused combinations of docs/encryption.md "Settings".

const b64 = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill).toString('base64');

function refused(input: EncryptionInput, message: RegExp) {
  assert.throws(
    () => resolveSettings(input),
    (e) => e instanceof AppError && e.key === 'bad_request' && message.test(e.message),
    JSON.stringify(input),
  );
}

describe('encryption settings', () => {
  it('defaults to AES-256-CBC, PKCS7, a random IV prefix, "data", plaintext accepted', () => {
    const s = resolveSettings({});
    assert.deepEqual(
      { ...s, key: '<key>' },
      {
        mode: 'CBC',
        key_bits: 256,
        key: '<key>',
        iv: 'random-prefix',
        fixed_iv: null,
        padding: 'PKCS7',
        wrapper_field: 'data',
        accept_plaintext: true,
      },
    );
    assert.equal(Buffer.from(s.key, 'base64').length, 32);
    assert.notEqual(resolveSettings({}).key, s.key, 'a new key each time');
  });

  it('follows the mode for the IV and padding defaults, and the key for key_bits', () => {
    assert.equal(resolveSettings({ mode: 'ECB' }).iv, 'none');
    assert.equal(resolveSettings({ mode: 'GCM' }).padding, 'none');
    assert.equal(resolveSettings({ key: b64(16) }).key_bits, 128);
    assert.equal(resolveSettings({ key_bits: 128 }).key.length, 24);
    const fixed = resolveSettings({ iv: 'fixed' });
    assert.equal(Buffer.from(fixed.fixed_iv!, 'base64').length, 16, 'a fixed IV is generated');
  });

  it('normalises keys (line breaks, missing padding) and is idempotent on its output', () => {
    const key = b64(32, 9);
    const s = resolveSettings({ key: `${key.slice(0, 20)}\n${key.slice(20).replace(/=+$/, '')}` });
    assert.equal(s.key, key);
    for (const input of [
      {},
      { mode: 'ECB' as const },
      { iv: 'fixed' as const },
      { mode: 'GCM' as const },
    ]) {
      const once = resolveSettings(input);
      assert.deepEqual(resolveSettings(once), once);
    }
  });

  it('refuses combinations that do not work or are unsafe, saying why', () => {
    refused({ mode: 'ECB', iv: 'random-prefix' }, /ECB uses no IV/);
    refused({ mode: 'CBC', iv: 'none' }, /CBC needs an IV/);
    refused({ mode: 'GCM', iv: 'fixed' }, /never reuse a nonce/);
    refused({ mode: 'GCM', padding: 'PKCS7' }, /GCM takes no padding/);
    refused({ mode: 'CBC', padding: 'none' }, /CBC needs PKCS7/);
    refused({ key: b64(16), key_bits: 256 }, /key is 16 bytes but key_bits 256 needs 32/);
    refused({ key: b64(24) }, /16 bytes .* or 32 bytes/);
    refused({ key: 'not base64!' }, /key must be base64/);
    refused({ fixed_iv: b64(16) }, /fixed_iv needs iv "fixed"/);
    refused({ iv: 'fixed', fixed_iv: b64(12) }, /fixed_iv must be base64 of 16 bytes/);
    refused({ wrapper_field: '1data' }, /wrapper_field/);
    refused({ wrapper_field: 'a-b' }, /wrapper_field/);
  });
});
