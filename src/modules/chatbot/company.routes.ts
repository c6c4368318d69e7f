import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CompanyService } from './company.service.ts';

// §10.1 and §10.5 on the Chatbot family (/api/v1); the event reports' opt-in is on /v1
// (event-report.routes.ts).

const WireChannel = Type.Object({
  channel: Type.String(),
  channel_id: Type.String(),
  name: Type.String(),
  phone_number: Type.String(),
  status: Type.String(),
});

// The request may name the company (§10.1's example); the caller's key already says which.
const CompanyBody = Type.Optional(
  Type.Object({ company: Type.Optional(Type.String({ maxLength: 128 })) }),
);

export function companyRoutes(company: CompanyService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['company'];
    app.post(
      '/company/channels',
      {
        schema: {
          summary: 'Query all channel info of the company (§10.1)',
          tags,
          body: CompanyBody,
          response: { 200: Type.Array(WireChannel) },
        },
      },
      async (request) => company.channels(request.caller.appId),
    );
    app.post(
      '/company/info',
      {
        schema: {
          summary: 'Get company info (§10.5)',
          tags,
          body: CompanyBody,
          response: {
            200: Type.Object({
              company: Type.String(),
              name: Type.String(),
              channels: Type.Array(WireChannel),
              timezone: Type.String(),
            }),
          },
        },
      },
      async (request) => company.info(request.caller.appId),
    );
  };
}
