import { Type } from 'typebox';

// Request and response shapes of /v1/signing-keys (`data` only: the family adds the envelope).

const KeyId = Type.String({
  pattern: '^[0-9a-fA-F]{32}$',
  description: 'Public key id, sent in X-AIRudder-Sign-Key: 32 hex characters',
});

export const SigningKeyView = Type.Object({
  key_id: Type.String({ description: 'Public key id (X-AIRudder-Sign-Key), 32 lowercase hex' }),
  lenient: Type.Boolean({
    description: 'Requests with an empty or absent X-AIRudder-Sign are accepted',
  }),
  create_time: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app zone' }),
  revoke_time: Type.Union([Type.String(), Type.Null()], {
    description: 'YYYY-MM-DD HH:MM:SS in the app zone; null while active',
  }),
});

export const NewSigningKeyView = Type.Intersect([
  SigningKeyView,
  Type.Object({
    secret: Type.String({ description: 'The signing secret: shown only in this answer' }),
  }),
]);

export const SigningKeyList = Type.Object({ keys: Type.Array(SigningKeyView) });

export const CreateSigningKey = Type.Object(
  {
    key_id: Type.Optional(KeyId),
    lenient: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const SigningKeyParams = Type.Object({ key_id: KeyId });

export const SetLenient = Type.Object({ lenient: Type.Boolean() }, { additionalProperties: false });
