import assert from 'node:assert/strict';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { cloudEnvelope, pdsEnvelope, v1Envelope, type Envelope } from '../../src/api/envelopes.ts';
import { familyPlugin } from '../../src/api/family.ts';
import { loadConfig } from '../../src/config.ts';
import { authRoutes } from '../../src/modules/auth/auth.routes.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { encryptionRoutes } from '../../src/modules/encryption/encryption.routes.ts';
import { EncryptionService } from '../../src/modules/encryption/encryption.service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { AppError } from '../../src/shared/errors.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { decryptText, encryptText, type DocSettings } from './docs-client.ts';
import { bareApp } from '../../src/api/app.ts';

// The transport hooks of api/family.ts on every family envelope, in process (inject): what is
// encrypted, what stays plaintext, and how bad ciphertext is answered. The real server and the
// task routes are in docs-client.test.ts.

/** Routes that stand for any route of a family: a validated body, a read, an error. */
const probeRoutes: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const Echo = Type.Object({ n: Type.Integer(), text: Type.Optional(Type.String()) });
  app.post('/echo', { schema: { body: Echo, response: { 200: Echo } } }, async (r) => r.body);
  app.get(
    '/thing',
    { schema: { response: { 200: Type.Object({ value: Type.String() }) } } },
    async () => ({ value: 'é€😀', dropped: 'not in the schema' }),
  );
  app.get('/fail', async () => {
    throw new AppError('task_not_found');
  });
};

const FAMILIES: Array<[string, Envelope, 'data' | 'body']> = [
  ['/service/cloud', cloudEnvelope, 'data'],
  ['/service/callcenter/call/predict', pdsEnvelope, 'body'],
  ['/v1', v1Envelope, 'data'],
];

async function buildProbeApp(auth: AuthService, encryption: EncryptionService) {
  const app = bareApp();
  for (const [prefix, envelope] of FAMILIES) {
    const routes = [authRoutes(auth), probeRoutes];
    if (prefix === '/v1') routes.push(encryptionRoutes(encryption));
    await app.register(familyPlugin, { prefix, envelope, auth, encryption, routes });
  }
  await app.ready();
  return app;
}

describe(`encrypted transport (${storeKind})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let tokenA: string;
  let tokenB: string;
  let credentialsA: { APPKey: string; APPSecret: string };

  before(async () => {
    store = await openTestStore();
    const auth = new AuthService(store.db, loadConfig({}, { demo: false }), systemClock);
    app = await buildProbeApp(auth, new EncryptionService(store.db));
    const a = await auth.createApp({ name: 'encrypted' });
    const b = await auth.createApp({ name: 'plain' });
    tokenA = await auth.issueToken(a.appKey, a.appSecret);
    credentialsA = { APPKey: a.appKey, APPSecret: a.appSecret };
    tokenB = await auth.issueToken(b.appKey, b.appSecret);
  });

  after(async () => {
    await app?.close();
    await store?.close();
  });

  const send = async (
    token: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ) => {
    const r = await app.inject({
      method,
      url,
      headers: { authorization: `Token ${token}` },
      ...(body === undefined
        ? {}
        : {
            payload: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
          }),
    });
    return { status: r.statusCode, json: r.json() as Record<string, unknown>, text: r.body };
  };
  const enable = async (settings: object = {}) => {
    const r = await send(tokenA, 'PUT', '/v1/app/encryption', settings);
    assert.equal(r.status, 200, r.text);
    return r.json.data as DocSettings;
  };
  const wrapped = (s: DocSettings, value: unknown) => ({
    [s.wrapper_field]: encryptText(s, JSON.stringify(value)),
  });

  it('leaves an app without encryption exactly as before', async () => {
    for (const [prefix, , field] of FAMILIES) {
      const r = await send(tokenB, 'POST', `${prefix}/echo`, { n: 1 });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json[field], { n: 1 });
    }
    const settings = await send(tokenB, 'GET', '/v1/app/encryption');
    assert.deepEqual(settings.json.data, { enabled: false });
  });

  it('decrypts request bodies and encrypts every 2xx payload, in every mode and family', async () => {
    const modes = [
      {},
      { key_bits: 128 },
      { iv: 'fixed' },
      { mode: 'ECB', key_bits: 128 },
      { mode: 'ECB' },
      { mode: 'GCM' },
      { mode: 'GCM', key_bits: 128 },
    ];
    for (const mode of modes) {
      const s = await enable(mode);
      for (const [prefix, , field] of FAMILIES) {
        const what = `${JSON.stringify(mode)} ${prefix}`;
        // "5" meets the integer schema after decryption, as in a plaintext body (ajv coerces).
        const r = await send(tokenA, 'POST', `${prefix}/echo`, wrapped(s, { n: '5', text: 'ü' }));
        assert.equal(r.status, 200, `${what}: ${r.text}`);
        assert.equal(typeof r.json[field], 'string', what);
        assert.equal(decryptText(s, r.json[field] as string), '{"n":5,"text":"ü"}', what);
        const thing = await send(tokenA, 'GET', `${prefix}/thing`);
        // The plaintext is what the response schema serialises: the extra field is dropped.
        assert.equal(decryptText(s, thing.json[field] as string), '{"value":"é€😀"}', what);
        if (field === 'body') assert.deepEqual(Object.keys(r.json), ['code', 'message', 'body']);
        else assert.deepEqual(Object.keys(r.json), ['code', 'status', 'data']);
      }
    }
  });

  it('takes plaintext bodies while accept_plaintext is on, and answers them encrypted', async () => {
    const s = await enable();
    const r = await send(tokenA, 'POST', '/service/cloud/echo', { n: 2 });
    assert.equal(r.status, 200, r.text);
    assert.equal(decryptText(s, r.json.data as string), '{"n":2}');
  });

  it('refuses plaintext bodies when accept_plaintext is off, in a plaintext error', async () => {
    const s = await enable({ accept_plaintext: false });
    const r = await send(tokenA, 'POST', '/service/cloud/echo', { n: 2 });
    assert.equal(r.status, 400);
    assert.equal(r.json.data, null);
    assert.match(r.json.message as string, /accepts encrypted bodies only: \{"data": "<base64>"\}/);
    const ok = await send(tokenA, 'POST', '/service/cloud/echo', wrapped(s, { n: 2 }));
    assert.equal(ok.status, 200, ok.text);
    const get = await send(tokenA, 'GET', '/service/cloud/thing');
    assert.equal(get.status, 200, 'requests without a body are unaffected');
  });

  it('uses the configured wrapper field for requests, the envelope field for answers', async () => {
    const s = await enable({ wrapper_field: 'encrypt_data' });
    const r = await send(tokenA, 'POST', '/service/cloud/echo', wrapped(s, { n: 3 }));
    assert.equal(r.status, 200, r.text);
    assert.equal(decryptText(s, r.json.data as string), '{"n":3}');
    // {"data": ...} is now an ordinary (plaintext) body, which the schema refuses.
    const other = await send(tokenA, 'POST', '/service/cloud/echo', { data: 'x' });
    assert.equal(other.status, 400);
  });

  it('answers undecryptable bodies with 400 in a plaintext envelope that says why', async () => {
    const s = await enable();
    const cases: Array<[unknown, RegExp]> = [
      [{ data: 'not base64!' }, /"data" cannot be decrypted: the ciphertext is not base64/],
      [{ data: Buffer.alloc(36).toString('base64') }, /after the IV is 20 bytes/],
      [
        wrapped({ ...s, key: Buffer.alloc(32, 3).toString('base64') }, { n: 1 }),
        /does not decrypt with the app key and settings/,
      ],
      // Decrypted garbage reads like a wrong key (no padding oracle).
      [
        { data: encryptText(s, 'not json') },
        /"data" cannot be decrypted: it does not decrypt with the app key/,
      ],
      [wrapped(s, { n: 'seven' }), /Invalid request parameters.*n/],
    ];
    for (const [body, message] of cases) {
      for (const [prefix, , field] of FAMILIES) {
        const r = await send(tokenA, 'POST', `${prefix}/echo`, body);
        assert.equal(r.status, 400, `${prefix}: ${r.text}`);
        assert.equal(r.json[field], null, 'errors are never encrypted');
        assert.match(r.json.message as string, message);
        assert.match(r.json.request_id as string, /^\S+$/);
      }
    }
  });

  it('keeps errors, /auth and the settings routes plaintext', async () => {
    const s = await enable();
    const fail = await send(tokenA, 'GET', '/service/cloud/fail');
    assert.equal(fail.status, 404);
    assert.equal(fail.json.message, 'Task is not found');
    const settings = await send(tokenA, 'GET', '/v1/app/encryption');
    assert.equal((settings.json.data as DocSettings).key, s.key, 'the settings route is readable');
    for (const [prefix, , field] of FAMILIES.slice(0, 2)) {
      const token = await send('', 'POST', `${prefix}/auth`, credentialsA);
      assert.equal(token.status, 200, token.text);
      assert.equal(typeof (token.json[field] as { token: string }).token, 'string');
    }
    const unauthorised = await send('nope', 'GET', '/service/cloud/thing');
    assert.equal(unauthorised.status, 401);
    assert.equal(unauthorised.json.data, null);
  });

  it('switches off at once in this process', async () => {
    await enable();
    const off = await send(tokenA, 'DELETE', '/v1/app/encryption');
    assert.deepEqual(off.json.data, { enabled: false });
    const r = await send(tokenA, 'POST', '/service/cloud/echo', { n: 4 });
    assert.deepEqual(r.json.data, { n: 4 });
  });

  it("never lets one app read or change another's settings", async () => {
    const s = await enable();
    const b = await send(tokenB, 'GET', '/v1/app/encryption');
    assert.deepEqual(b.json.data, { enabled: false });
    const bOn = await send(tokenB, 'PUT', '/v1/app/encryption', { mode: 'GCM' });
    assert.equal((bOn.json.data as DocSettings).mode, 'GCM');
    assert.notEqual((bOn.json.data as DocSettings).key, s.key);
    await send(tokenB, 'DELETE', '/v1/app/encryption');
    const a = await send(tokenA, 'GET', '/v1/app/encryption');
    assert.deepEqual(a.json.data, { enabled: true, ...s }, "B's writes left A's settings alone");
    const r = await send(tokenA, 'POST', '/service/cloud/echo', wrapped(s, { n: 6 }));
    assert.equal(decryptText(s, r.json.data as string), '{"n":6}');
  });

  it('refuses invalid settings with 400 and keeps the current ones', async () => {
    const s = await enable();
    const r = await send(tokenA, 'PUT', '/v1/app/encryption', { mode: 'GCM', iv: 'fixed' });
    assert.equal(r.status, 400);
    assert.match(r.json.message as string, /never reuse a nonce/);
    const unknown = await send(tokenA, 'PUT', '/v1/app/encryption', { mode: 'CTR' });
    assert.equal(unknown.status, 400);
    const current = await send(tokenA, 'GET', '/v1/app/encryption');
    assert.equal((current.json.data as DocSettings).key, s.key);
  });

  it('lets other processes see a change within the cache TTL, not later', async () => {
    let now = 0;
    const otherProcess = new EncryptionService(store.db, { ttlMs: 5_000, now: () => now });
    const appId = (
      await store.db.query<{ id: number }>("SELECT id FROM apps WHERE name = 'encrypted'")
    )[0]!.id;
    await send(tokenA, 'DELETE', '/v1/app/encryption');
    assert.equal(await otherProcess.lookup(appId), null);
    const s = await enable();
    now = 4_999;
    assert.equal(await otherProcess.lookup(appId), null, 'still cached');
    now = 5_000;
    assert.equal((await otherProcess.lookup(appId))?.key, s.key, 'read again after the TTL');
  });
});
