import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../shared/errors.ts';
import {
  AddDnc,
  AddDncResult,
  DncList,
  DncNumberParams,
  DncSettings,
  ImportDnc,
  ImportDncResult,
  ListDncQuery,
  RemoveDncResult,
} from './dnc.schema.ts';
import type { DncService } from './dnc.service.ts';

// 100,000 lines with a reason each stay well under this; JSON escaping adds little to CSV.
const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The do-not-call list of the calling app, mounted under the /v1 family. */
export function dncRoutes(service: DncService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['dnc'];

    app.get(
      '/dnc',
      {
        schema: {
          summary: 'Numbers on the do-not-call list, in number order',
          tags,
          querystring: ListDncQuery,
          response: { 200: DncList },
        },
      },
      async (request) => service.list(request.caller.appId, request.query),
    );

    app.post(
      '/dnc',
      {
        schema: {
          summary: 'Add numbers to the do-not-call list (all or none: any bad number refuses all)',
          tags,
          body: AddDnc,
          response: { 200: AddDncResult },
        },
      },
      async (request) =>
        service.add(request.caller.appId, request.body.numbers, {
          reason: request.body.reason ?? null,
          source: 'api',
        }),
    );

    app.delete(
      '/dnc/:number',
      {
        schema: {
          summary: 'Take a number off the do-not-call list (404 when it is not on it)',
          tags,
          params: DncNumberParams,
          response: { 200: RemoveDncResult },
        },
      },
      async (request) => service.remove(request.caller.appId, request.params.number),
    );

    app.get(
      '/dnc/settings',
      {
        schema: {
          summary: 'Whether a verbal opt-out lists the number automatically',
          tags,
          response: { 200: DncSettings },
        },
      },
      async (request) => service.getSettings(request.caller.appId),
    );

    app.put(
      '/dnc/settings',
      {
        schema: {
          summary: 'Switch automatic listing of verbal opt-outs on or off',
          tags,
          body: DncSettings,
          response: { 200: DncSettings },
        },
      },
      async (request) => service.setSettings(request.caller.appId, request.body),
    );

    // Its own scope, so that only the import reads text/csv bodies.
    await app.register(importRoute(service, tags));
  };
}

function importRoute(service: DncService, tags: string[]): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_request, body: Buffer, done) => {
        try {
          done(null, { csv: strictUtf8.decode(body) });
        } catch {
          done(new AppError('bad_request', 'the CSV body is not valid UTF-8'), undefined);
        }
      },
    );

    app.post(
      '/dnc/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          summary:
            'Import a CSV of numbers (text/csv body, or JSON {"csv": "..."}); refused whole if any line is bad',
          tags,
          body: ImportDnc,
          response: { 200: ImportDncResult },
        },
      },
      async (request) => service.importCsv(request.caller.appId, request.body.csv),
    );
  };
}
