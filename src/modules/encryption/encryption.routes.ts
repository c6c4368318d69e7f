import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EncryptionView, SetEncryption } from './encryption.schema.ts';
import type { EncryptionService } from './encryption.service.ts';
import './route-config.ts';
import type { EncryptionSettings } from './settings.ts';

const view = (settings: EncryptionSettings | null) =>
  settings ? { enabled: true, ...settings } : { enabled: false };

/** `/v1/app/encryption`: the app's AES transport settings (docs/encryption.md). */
export function encryptionRoutes(service: EncryptionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['encryption'];
    const config = { plaintext: true };

    app.get(
      '/app/encryption',
      {
        config,
        schema: {
          summary: 'AES encryption settings of the app, with its key',
          tags,
          response: { 200: EncryptionView },
        },
      },
      async (request) => view(await service.get(request.caller.appId)),
    );

    app.put(
      '/app/encryption',
      {
        config,
        schema: {
          summary: 'Switch AES encryption on, or replace its settings (a key is generated if none)',
          tags,
          body: SetEncryption,
          response: { 200: EncryptionView },
        },
      },
      async (request) => view(await service.enable(request.caller.appId, request.body)),
    );

    app.delete(
      '/app/encryption',
      {
        config,
        schema: {
          summary: 'Switch AES encryption off',
          tags,
          response: { 200: EncryptionView },
        },
      },
      async (request) => {
        await service.disable(request.caller.appId);
        return view(null);
      },
    );
  };
}
