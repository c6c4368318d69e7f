import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CompanyService } from './company.service.ts';

// The opt-in of the company event reports (§10.2–§10.4), on /v1 (docs/chatbot-variants.md).

const ReportSettings = Type.Object({
  enabled: Type.Boolean(),
  url: Type.Union([Type.String(), Type.Null()], {
    description: "Where reports go; null: the app's webhook URL",
  }),
  update_time: Type.Union([Type.String(), Type.Null()]),
});

const SetReportSettings = Type.Object(
  {
    enabled: Type.Boolean(),
    url: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
        description: 'http(s) URL; null or "": the app\'s webhook URL',
      }),
    ),
  },
  { additionalProperties: false },
);

export function eventReportRoutes(company: CompanyService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['chatbot'];
    app.get(
      '/chatbot/event-reports',
      {
        schema: {
          summary: 'Whether the company event reports (message.receive/send/status) are sent',
          tags,
          response: { 200: ReportSettings },
        },
      },
      async (request) => company.reportSettings(request.caller.appId),
    );
    app.put(
      '/chatbot/event-reports',
      {
        schema: {
          summary: 'Switch the company event reports on or off, and say where they go',
          tags,
          body: SetReportSettings,
          response: { 200: ReportSettings },
        },
      },
      async (request) => company.setReportSettings(request.caller.appId, request.body),
    );
  };
}
