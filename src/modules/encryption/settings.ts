import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import {
  decodeBase64,
  ivLength,
  type CipherMode,
  type CipherSettings,
  type IvSource,
  type KeyBits,
  type Padding,
} from './cipher.ts';

// An app's encryption settings: the defaults and the combinations that make sense. AIRudder's
// published details are unknown (spec/workflow-api.md §21), so everything is configurable and
// the defaults are the common choice: AES-256-CBC, PKCS7, a random IV sent before the ciphertext.

export interface EncryptionSettings extends CipherSettings {
  /** The one field of the JSON object that carries an encrypted request or webhook body. */
  wrapper_field: string;
  /** Also take plaintext request bodies, so switching encryption on breaks no live client. */
  accept_plaintext: boolean;
}

/** What a client may send: every field optional, filled from the defaults. */
export interface EncryptionInput {
  mode?: CipherMode;
  key_bits?: KeyBits;
  key?: string;
  iv?: IvSource;
  fixed_iv?: string | null;
  padding?: Padding;
  wrapper_field?: string;
  accept_plaintext?: boolean;
}

export const DEFAULT_WRAPPER_FIELD = 'data';
export const WRAPPER_FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const bad = (detail: string) => new AppError('bad_request', detail);

/**
 * Complete, checked settings from `input`: defaults filled in, a key (and a fixed IV) generated
 * when missing. Idempotent on its own output, so stored settings are re-checked the same way.
 */
export function resolveSettings(
  input: EncryptionInput,
  random: (bytes: number) => Buffer = randomBytes,
): EncryptionSettings {
  const mode = input.mode ?? 'CBC';
  if (!['CBC', 'ECB', 'GCM'].includes(mode)) throw bad('mode must be CBC, ECB or GCM');

  const givenKey = input.key === undefined ? undefined : decodeBase64(input.key);
  if (input.key !== undefined && !givenKey) throw bad('key must be base64');
  if (input.key_bits !== undefined && input.key_bits !== 128 && input.key_bits !== 256)
    throw bad('key_bits must be 128 or 256');
  const keyBits: number = input.key_bits ?? (givenKey ? givenKey.length * 8 : 256);
  if (givenKey && input.key_bits === undefined && keyBits !== 128 && keyBits !== 256)
    throw bad(`key must be 16 bytes (AES-128) or 32 bytes (AES-256), not ${givenKey.length}`);
  if (givenKey && givenKey.length * 8 !== keyBits)
    throw bad(`key is ${givenKey.length} bytes but key_bits ${keyBits} needs ${keyBits / 8}`);
  const key = givenKey ?? random(keyBits / 8);

  const iv = input.iv ?? (mode === 'ECB' ? 'none' : 'random-prefix');
  if (!['random-prefix', 'fixed', 'none'].includes(iv))
    throw bad('iv must be random-prefix, fixed or none');
  if (mode === 'ECB' && iv !== 'none') throw bad('ECB uses no IV: leave iv out or set "none"');
  if (mode !== 'ECB' && iv === 'none') throw bad(`${mode} needs an IV: random-prefix or fixed`);
  // A repeated GCM nonce gives away the authentication key and the XOR of the plaintexts.
  if (mode === 'GCM' && iv === 'fixed')
    throw bad('GCM must never reuse a nonce: use random-prefix');
  const fixedIv = resolveFixedIv(iv, input.fixed_iv, mode, random);

  const padding = input.padding ?? (mode === 'GCM' ? 'none' : 'PKCS7');
  if (mode === 'GCM' && padding !== 'none') throw bad('GCM takes no padding: leave padding out');
  if (mode !== 'GCM' && padding !== 'PKCS7') throw bad(`${mode} needs PKCS7 padding`);

  const wrapperField = input.wrapper_field ?? DEFAULT_WRAPPER_FIELD;
  if (!WRAPPER_FIELD.test(wrapperField))
    throw bad('wrapper_field must be 1-64 letters, digits or _, not starting with a digit');

  return {
    mode,
    key_bits: keyBits as KeyBits,
    key: key.toString('base64'),
    iv,
    fixed_iv: fixedIv,
    padding,
    wrapper_field: wrapperField,
    accept_plaintext: input.accept_plaintext ?? true,
  };
}

function resolveFixedIv(
  iv: IvSource,
  given: string | null | undefined,
  mode: CipherMode,
  random: (bytes: number) => Buffer,
): string | null {
  if (iv !== 'fixed') {
    if (given !== undefined && given !== null) throw bad('fixed_iv needs iv "fixed"');
    return null;
  }
  if (given === undefined || given === null) return random(ivLength(mode)).toString('base64');
  const bytes = decodeBase64(given);
  if (!bytes || bytes.length !== ivLength(mode))
    throw bad(`fixed_iv must be base64 of ${ivLength(mode)} bytes`);
  return bytes.toString('base64');
}
