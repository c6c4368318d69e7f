import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateSigningKey,
  NewSigningKeyView,
  SetLenient,
  SigningKeyList,
  SigningKeyParams,
  SigningKeyView,
} from './signing-keys.schema.ts';
import type { SigningKeyService } from './signing-keys.service.ts';
import { newSigningKeyWire, signingKeyWire } from './signing-keys.wire.ts';

/**
 * The app's own Chatbot signing keys, under the /v1 family (token auth): list (never a secret),
 * create (the secret once), revoke, lenient on or off (docs/api-families.md, "Signing keys").
 */
export function signingKeyRoutes(keys: SigningKeyService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['signing keys'];

    app.get(
      '/signing-keys',
      {
        schema: {
          summary: 'Signing keys of the app, newest first (without secrets)',
          tags,
          response: { 200: SigningKeyList },
        },
      },
      async (request) => ({
        keys: (await keys.list(request.caller.appId)).map((k) =>
          signingKeyWire(k, request.caller.timezone),
        ),
      }),
    );

    app.post(
      '/signing-keys',
      {
        schema: {
          summary: 'Create a signing key (its secret is shown only in this answer)',
          description:
            'key_id keeps an existing integration key (e.g. one AIRudder issued); without it one is issued.',
          tags,
          body: CreateSigningKey,
          response: { 200: NewSigningKeyView },
        },
      },
      async (request) =>
        newSigningKeyWire(
          await keys.create(request.caller.appId, {
            keyId: request.body.key_id,
            lenient: request.body.lenient,
          }),
          request.caller.timezone,
        ),
    );

    app.post(
      '/signing-keys/:key_id/revoke',
      {
        schema: {
          summary: 'Revoke a signing key (within 5 s on every server process)',
          tags,
          params: SigningKeyParams,
          response: { 200: SigningKeyView },
        },
      },
      async (request) =>
        signingKeyWire(
          await keys.revoke(request.caller.appId, request.params.key_id),
          request.caller.timezone,
        ),
    );

    app.put(
      '/signing-keys/:key_id/lenient',
      {
        schema: {
          summary: 'Accept (true) or refuse (false) an empty X-AIRudder-Sign for this key',
          tags,
          params: SigningKeyParams,
          body: SetLenient,
          response: { 200: SigningKeyView },
        },
      },
      async (request) =>
        signingKeyWire(
          await keys.setLenient(request.caller.appId, request.params.key_id, request.body.lenient),
          request.caller.timezone,
        ),
    );
  };
}
