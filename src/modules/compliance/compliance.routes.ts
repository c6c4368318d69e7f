import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ComplianceSettingsService } from './compliance.settings.ts';

const Settings = Type.Object({
  calling_windows: Type.Union([Type.Null(), Type.Unknown()], {
    description: 'Window override (docs/compliance.md); null: the country rule packs',
  }),
  contact_caps: Type.Union([Type.Null(), Type.Unknown()], {
    description:
      'Caps per number and per case, per local day and rolling 7 days; null: the defaults',
  }),
});

/** `/v1/app/compliance`: the app's calling-window override and contact caps. */
export function complianceRoutes(settings: ComplianceSettingsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['compliance'];
    app.get(
      '/app/compliance',
      {
        schema: {
          summary: "The app's calling windows and contact caps",
          tags,
          response: { 200: Settings },
        },
      },
      (request) => settings.get(request.caller.appId),
    );
    app.put(
      '/app/compliance',
      {
        schema: {
          summary: "Replace the app's calling windows and contact caps",
          tags,
          body: Settings,
          response: { 200: Settings },
        },
      },
      (request) => settings.set(request.caller.appId, request.body),
    );
  };
}
