import { Type } from 'typebox';

// Request and response shapes of /v1/app/encryption (`data` only: the family adds the envelope).

const Mode = Type.Union([Type.Literal('CBC'), Type.Literal('ECB'), Type.Literal('GCM')], {
  description: 'AES block mode (default CBC)',
});
const KeyBits = Type.Union([Type.Literal(128), Type.Literal(256)], {
  description: 'AES-128 or AES-256 (default: the given key length, else 256)',
});
const IvSource = Type.Union(
  [Type.Literal('random-prefix'), Type.Literal('fixed'), Type.Literal('none')],
  {
    description:
      'random-prefix: a fresh IV (16 bytes, 12 for GCM) before the ciphertext (default for CBC and GCM); fixed: fixed_iv, not sent (CBC only); none: ECB',
  },
);
const Padding = Type.Union([Type.Literal('PKCS7'), Type.Literal('none')], {
  description: 'PKCS7 for CBC and ECB, none for GCM (the default follows the mode)',
});
const Key = Type.String({
  maxLength: 100,
  description: 'base64 (standard alphabet) of 16 or 32 bytes',
});
const FixedIv = Type.String({ maxLength: 100, description: 'base64 of 16 bytes (iv "fixed")' });
const WrapperField = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'The field of {"<field>": "<base64>"} request and webhook bodies (default "data")',
});
const AcceptPlaintext = Type.Boolean({
  description:
    'Also accept plaintext request bodies (default true); responses are encrypted anyway',
});

export const EncryptionView = Type.Object({
  enabled: Type.Boolean(),
  mode: Type.Optional(Mode),
  key_bits: Type.Optional(KeyBits),
  key: Type.Optional(Type.String({ description: 'The AES key, base64' })),
  iv: Type.Optional(IvSource),
  fixed_iv: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  padding: Type.Optional(Padding),
  wrapper_field: Type.Optional(Type.String()),
  accept_plaintext: Type.Optional(Type.Boolean()),
});

export const SetEncryption = Type.Object(
  {
    mode: Type.Optional(Mode),
    key_bits: Type.Optional(KeyBits),
    key: Type.Optional(Key),
    iv: Type.Optional(IvSource),
    fixed_iv: Type.Optional(Type.Union([FixedIv, Type.Null()])),
    padding: Type.Optional(Padding),
    wrapper_field: Type.Optional(WrapperField),
    accept_plaintext: Type.Optional(AcceptPlaintext),
  },
  { additionalProperties: false },
);
