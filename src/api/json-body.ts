import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from '../shared/errors.ts';

const MAX_DEPTH = 64;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser of every route. Stricter than fastify's: invalid UTF-8 is refused instead
 * of turned into U+FFFD, and a body that PostgreSQL could not store (a NUL character, an unpaired
 * surrogate) or that is nested deeper than any real payload is refused before a route sees it.
 * Bodies that are not JSON get 415 (fastify would read text/plain as a string).
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (_request, body: Buffer, done) => {
      try {
        done(null, parseJsonBody(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new AppError('invalid_json', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new AppError('invalid_json', 'the body is empty');
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, {
      protoAction: 'remove',
      constructorAction: 'remove',
    });
  } catch (error) {
    throw new AppError('invalid_json', (error as Error).message);
  }
  checkStorable(value);
  return value;
}

/** Walks the value iteratively (deep input must not blow the stack here either). */
function checkStorable(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      checkString(value);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH)
        throw new AppError('bad_request', `JSON nested deeper than ${MAX_DEPTH} levels`);
      for (const [key, child] of Object.entries(value)) {
        checkString(key);
        stack.push([child, depth + 1]);
      }
    }
  }
}

function checkString(text: string): void {
  if (text.includes('\u0000'))
    throw new AppError('bad_request', 'strings may not contain the NUL character');
  if (!text.isWellFormed())
    throw new AppError('bad_request', 'strings may not contain unpaired surrogates');
}
