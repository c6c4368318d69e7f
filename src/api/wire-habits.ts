import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { parseJsonBody } from './json-body.ts';
import { parseQueryString, queryOf } from './query-string.ts';
import { mapToSchema } from './wire-keys.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What real AIRudder clients send that the spec does not show, accepted in one place for a whole
 * family (docs/api-calls.md, "What real clients send"):
 * - keys in any case, with or without `_` (`TaskID`, `PageSize`), and enum values in any case
 *   (`Action: "Stop"`, `status=running`), in bodies and query strings, mapped onto each route's
 *   schema before validation;
 * - JSON sent as `application/x-www-form-urlencoded` (a body that starts like JSON is JSON);
 * - query strings read strictly, so broken ones get a message naming what is wrong.
 * Registered after the encrypted transport's hook, so a decrypted body is mapped like any other.
 */
export function installWireHabits(app: FastifyInstance): void {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'buffer' },
      (_request, body: Buffer, done) => {
        try {
          done(null, parseFormOrJson(body));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
  }

  // A route-level hook, first of the route's own: it runs after every instance hook, so after
  // the encrypted transport has decrypted the body and multipart has attached its fields.
  app.addHook('onRoute', (route) => {
    const own = route.preValidation;
    route.preValidation = [
      mapRequest,
      ...(own === undefined ? [] : Array.isArray(own) ? own : [own]),
    ];
  });
}

async function mapRequest(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema;
  if (!schema) return;
  if (schema.querystring) {
    const query = parseQueryString(queryOf(request.url));
    request.query = mapToSchema(query, schema.querystring as never);
  }
  if (schema.body && request.body !== null && typeof request.body === 'object') {
    request.body = mapToSchema(request.body, schema.body as never);
  }
}

function parseFormOrJson(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new AppError('invalid_json', 'the body is not valid UTF-8');
  }
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return parseJsonBody(body);
  return { ...parseQueryString(text, 'form body') };
}
