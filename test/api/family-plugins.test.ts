import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { bareApp } from '../../src/api/app.ts';
import { noAuth } from '../../src/api/auth/none.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import type { AuthService } from '../../src/modules/auth/auth.service.ts';
import { rawBodyOf } from '../../src/api/auth/raw-body.ts';
import { signRequest, signatureAuth, type SigningKey } from '../../src/api/auth/signature.ts';
import type { EnvelopeShape } from '../../src/api/families/envelope.ts';
import { defineFamily, type Family } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { AppError, type ErrorKey } from '../../src/shared/errors.ts';

// Authentication strategies proven through families that exist only here (no public endpoint):
// a "signed" family in the manner of AIRudder's Chatbot API (key id, HMAC-SHA256 signature,
// timestamp) and a "hooks" family for provider webhooks that check their own signature over the
// raw bytes. Both have an envelope and error codes of their own, so a refusal shows which family
// answered it.

/** The Chatbot spec's envelope: `{request_id, code, message, data}`, success `code` 200. */
const chatbotEnvelope: EnvelopeShape = {
  ok: (data) => ({ code: 200, message: 'Success', data: data ?? {} }),
  okSchema: (data) => Type.Object({ code: Type.Integer(), message: Type.String(), data }),
  error: (error, code, requestId) => ({
    request_id: requestId,
    code,
    message: error.message,
    data: null,
  }),
  errorSchema: Type.Object({
    request_id: Type.String(),
    code: Type.Integer(),
    message: Type.String(),
    data: Type.Null(),
  }),
};

/** Codes no other family uses, so a test sees which family numbered the error. */
const SIGNED_CODES: Partial<Record<ErrorKey, number>> = {
  missing_signature: 40100,
  invalid_signature: 40101,
  expired_signature: 40102,
};
const signedCode = (key: ErrorKey, http: number) => SIGNED_CODES[key] ?? http * 100;

interface Deps {
  keys: Map<string, SigningKey>;
  clock: ManualClock;
  /** What the routes saw, so a test can tell a refused request never reached one. */
  seen: string[];
}

const signedRoutes =
  (deps: Deps): FastifyPluginAsync =>
  async (app) => {
    app.post('/echo', async (request) => {
      deps.seen.push('echo');
      return {
        app_id: request.caller.appId,
        body: request.body,
        raw_length: rawBodyOf(request).length,
      };
    });
    app.get('/whoami', async (request) => ({ app_id: request.caller.appId }));
    app.get('/hello', { config: { public: true } }, async () => ({ hello: 'world' }));
  };

const signedFamily = defineFamily<Deps>({
  name: 'signed',
  title: 'Signed',
  prefixes: ['/test/signed'],
  envelope: chatbotEnvelope,
  errorCode: (key, error) => signedCode(key, error.http),
  errorCodeDoc: 'test only',
  authentication: (deps) =>
    signatureAuth({
      keys: async (keyId) => deps.keys.get(keyId),
      clock: deps.clock,
      windowSeconds: 300,
    }),
  wireHabits: false,
  routes: (deps) => [signedRoutes(deps)],
});

/** WhatsApp's webhook signature: `sha256=` and the hex HMAC of the raw bytes with the app secret. */
const HUB_SECRET = 'provider-app-secret';
const hubSignature = (body: Buffer | string) =>
  `sha256=${createHmac('sha256', HUB_SECRET).update(body).digest('hex')}`;

const hookRoutes =
  (deps: Deps): FastifyPluginAsync =>
  async (app) => {
    app.post('/whatsapp', async (request) => {
      const raw = rawBodyOf(request);
      if (request.headers['x-hub-signature-256'] !== hubSignature(raw))
        throw new AppError('invalid_signature', 'X-Hub-Signature-256');
      deps.seen.push('whatsapp');
      return { raw_base64: raw.toString('base64'), parsed: request.body };
    });
  };

const hooksFamily = defineFamily<Deps>({
  name: 'hooks',
  title: 'Hooks',
  prefixes: ['/test/hooks'],
  envelope: chatbotEnvelope,
  errorCode: (key, error) => (key === 'invalid_signature' ? 7001 : error.http),
  errorCodeDoc: 'test only',
  authentication: () => noAuth(),
  wireHabits: false,
  routes: (deps) => [hookRoutes(deps)],
});

const KEY_ID = '95721c4a78688b356a0a4eed25a76980';
const SECRET = 'sign-secret-of-app-7';
const NOW = new Date('2026-12-03T10:00:00Z');
const nowSeconds = () => Math.floor(NOW.getTime() / 1000);

describe('API families as plugins: authentication strategies', () => {
  let app: FastifyInstance;
  const deps: Deps = {
    keys: new Map([[KEY_ID, { caller: { appId: 7, timezone: 'UTC' }, secret: SECRET }]]),
    clock: new ManualClock(NOW),
    seen: [],
  };

  before(async () => {
    app = bareApp();
    for (const family of [signedFamily, hooksFamily]) await mountFamily(app, family, deps);
    await app.ready();
  });
  after(() => app.close());

  /** A signed POST; `override` replaces what a well-behaved client would send. */
  const signedPost = (
    body: string,
    override: { key?: string; sign?: string; timestamp?: string | number; omit?: string } = {},
  ) => {
    const timestamp = String(override.timestamp ?? nowSeconds());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-airudder-sign-key': override.key ?? KEY_ID,
      'x-airudder-sign': override.sign ?? signRequest(SECRET, timestamp, Buffer.from(body)),
      'x-airudder-timestamp': timestamp,
    };
    if (override.omit) delete headers[override.omit];
    return app.inject({ method: 'POST', url: '/test/signed/echo', headers, payload: body });
  };

  const refusal = (r: { statusCode: number; json(): unknown }, code: number, message: string) => {
    assert.equal(r.statusCode, 401);
    const body = r.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['request_id', 'code', 'message', 'data']);
    assert.equal(body.code, code);
    assert.equal(body.data, null);
    assert.ok(String(body.message).startsWith(message), String(body.message));
  };

  it('accepts a request signed over its raw body and timestamp, naming the app of the key', async () => {
    const body = '{"text":  "h\\u00e9llo"}';
    const r = await signedPost(body);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), {
      code: 200,
      message: 'Success',
      data: { app_id: 7, body: { text: 'héllo' }, raw_length: Buffer.byteLength(body) },
    });
  });

  it('accepts a signed GET: the signature covers the timestamp and an empty body', async () => {
    const timestamp = String(nowSeconds());
    const r = await app.inject({
      method: 'GET',
      url: '/test/signed/whoami',
      headers: {
        'x-airudder-sign-key': KEY_ID,
        'x-airudder-sign': signRequest(SECRET, timestamp, Buffer.alloc(0)),
        'x-airudder-timestamp': timestamp,
      },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { app_id: 7 });
  });

  it('lets a route marked public through without a signature', async () => {
    const r = await app.inject({ method: 'GET', url: '/test/signed/hello' });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { hello: 'world' });
  });

  it('refuses a wrong signature in its own envelope and code, before the route runs', async () => {
    const before = deps.seen.length;
    const wrong = signRequest('another secret', nowSeconds(), Buffer.from('{"a":1}'));
    refusal(await signedPost('{"a":1}', { sign: wrong }), 40101, 'Invalid request signature');
    assert.equal(deps.seen.length, before, 'the route never ran');
  });

  it('refuses a body changed after signing (the signature covers the exact bytes)', async () => {
    const signedFor = signRequest(SECRET, nowSeconds(), Buffer.from('{"a":1}'));
    refusal(await signedPost('{"a": 1}', { sign: signedFor }), 40101, 'Invalid request signature');
  });

  it('refuses an old signature under a fresh timestamp (the timestamp is signed too)', async () => {
    const sign = signRequest(SECRET, nowSeconds() - 600, Buffer.from('{}'));
    refusal(await signedPost('{}', { sign }), 40101, 'Invalid request signature');
  });

  it('answers an unknown key exactly like a wrong signature', async () => {
    refusal(
      await signedPost('{}', { key: 'ffffffffffffffffffffffffffffffff' }),
      40101,
      'Invalid request signature',
    );
  });

  it('refuses a timestamp outside the replay window, either way, even when correctly signed', async () => {
    for (const skew of [-301, 301]) {
      const timestamp = nowSeconds() + skew;
      const sign = signRequest(SECRET, timestamp, Buffer.from('{}'));
      refusal(
        await signedPost('{}', { timestamp, sign }),
        40102,
        'Request timestamp is outside the replay window',
      );
    }
  });

  it('refuses a request replayed after the window has passed', async () => {
    const clock = deps.clock;
    const timestamp = nowSeconds();
    const sign = signRequest(SECRET, timestamp, Buffer.from('{"n":1}'));
    assert.equal((await signedPost('{"n":1}', { timestamp, sign })).statusCode, 200);
    clock.advance(301_000);
    try {
      refusal(
        await signedPost('{"n":1}', { timestamp, sign }),
        40102,
        'Request timestamp is outside the replay window',
      );
    } finally {
      clock.advance(-301_000);
    }
  });

  it('refuses a request without its signature headers, or with a timestamp that is not Unix seconds', async () => {
    for (const omit of ['x-airudder-sign-key', 'x-airudder-sign', 'x-airudder-timestamp']) {
      refusal(await signedPost('{}', { omit }), 40100, 'Request signature is missing');
    }
    refusal(
      await signedPost('{}', { timestamp: '2026-12-03T10:00:00Z' }),
      40100,
      'Request signature is missing',
    );
  });

  it('gives a provider webhook route (no family authentication) the raw bytes as sent', async () => {
    const body = '{ "entry" : [ {"id":"1"} ],\n  "text": "\\u00e9" }';
    const r = await app.inject({
      method: 'POST',
      url: '/test/hooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body) },
      payload: body,
    });
    assert.equal(r.statusCode, 200, r.body);
    const data = r.json().data;
    assert.equal(Buffer.from(data.raw_base64, 'base64').toString('utf8'), body);
    assert.deepEqual(data.parsed, { entry: [{ id: '1' }], text: 'é' });
  });

  it("answers the provider route's own signature refusal in that family's envelope and code", async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/test/hooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature('{}') },
      payload: '{"tampered":true}',
    });
    refusal(r, 7001, 'Invalid request signature: X-Hub-Signature-256');
  });

  it('refuses a body over the limit in the family envelope', async () => {
    const big = `{"a":"${'x'.repeat(1024 * 1024)}"}`;
    const r = await signedPost(big);
    assert.equal(r.statusCode, 413);
    assert.equal(r.json().code, 41300);
  });
});

describe('API families as plugins: mounting', () => {
  it('keeps no raw body in a token family (only the strategies that need it pay for it)', async () => {
    const app = bareApp();
    const auth = { authenticate: async () => ({ appId: 1, timezone: 'UTC' }) };
    const tokenFamily = defineFamily<null>({
      name: 'token',
      title: 'Token',
      prefixes: ['/test/token'],
      envelope: chatbotEnvelope,
      errorCode: (_key, error) => error.http,
      errorCodeDoc: 'test only',
      wireHabits: false,
      authentication: () => tokenAuth(auth as unknown as AuthService),
      routes: () => [
        async (routes) => {
          routes.post('/raw', async (request) => {
            try {
              return { kept: rawBodyOf(request).length };
            } catch {
              return { kept: false };
            }
          });
        },
      ],
    });
    await mountFamily(app, tokenFamily, null);
    const r = await app.inject({
      method: 'POST',
      url: '/test/token/raw',
      headers: { authorization: 'Token t', 'content-type': 'application/json' },
      payload: '{"a":1}',
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().data, { kept: false });
    await app.close();
  });

  it('looks per-app encryption up once the signature has named the app', async () => {
    const app = bareApp();
    const asked: number[] = [];
    const encrypted: Family<Deps> = {
      ...signedFamily,
      encryption: () => ({
        lookup: async (appId) => {
          asked.push(appId);
          return null;
        },
      }),
    };
    const deps: Deps = {
      keys: new Map([[KEY_ID, { caller: { appId: 42, timezone: 'UTC' }, secret: SECRET }]]),
      clock: new ManualClock(NOW),
      seen: [],
    };
    await mountFamily(app, encrypted, deps);
    const timestamp = String(nowSeconds());
    const r = await app.inject({
      method: 'POST',
      url: '/test/signed/echo',
      headers: {
        'content-type': 'application/json',
        'x-airudder-sign-key': KEY_ID,
        'x-airudder-sign': signRequest(SECRET, timestamp, Buffer.from('{"a":1}')),
        'x-airudder-timestamp': timestamp,
      },
      payload: '{"a":1}',
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(asked, [42]);
    await app.close();
  });

  it('refuses to mount per-app encryption on a family that names no caller', async () => {
    const app = bareApp();
    const encrypted: Family<Deps> = {
      ...hooksFamily,
      encryption: () => ({ lookup: async () => null }),
    };
    const deps = { keys: new Map(), clock: new ManualClock(NOW), seen: [] };
    await assert.rejects(async () => {
      await mountFamily(app, encrypted, deps);
      await app.ready();
    }, /names no caller/);
    await app.close().catch(() => {});
  });
});
