import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonBody } from '../../src/api/json-body.ts';
import { AppError } from '../../src/shared/errors.ts';

const rejects = (body: Buffer | string, key: string) =>
  assert.throws(
    () => parseJsonBody(Buffer.isBuffer(body) ? body : Buffer.from(body)),
    (e: unknown) => e instanceof AppError && e.key === key,
  );

describe('JSON body parser', () => {
  it('parses ordinary JSON, dropping prototype pollution keys', () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"a":[1,"x",{"b":null}]}')), {
      a: [1, 'x', { b: null }],
    });
    const parsed = parseJsonBody(Buffer.from('{"__proto__":{"admin":true},"a":1}')) as Record<
      string,
      unknown
    >;
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.deepEqual(Object.keys(parsed), ['a']);
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    rejects(
      Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      'invalid_json',
    );
  });

  it('refuses empty bodies and syntax errors as invalid JSON', () => {
    rejects('', 'invalid_json');
    rejects('{"a":', 'invalid_json');
  });

  it('refuses strings PostgreSQL cannot store and absurd nesting', () => {
    rejects('{"a":"x\\u0000y"}', 'bad_request');
    rejects('{"a\\u0000":1}', 'bad_request');
    rejects('{"a":"\\ud800"}', 'bad_request');
    rejects('['.repeat(65) + ']'.repeat(65), 'bad_request');
    assert.doesNotThrow(() => parseJsonBody(Buffer.from('['.repeat(64) + ']'.repeat(64))));
  });
});
