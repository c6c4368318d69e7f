import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import {
  client,
  readResponse,
  startTestServer,
  tokenFor,
  type TestServer,
} from '../helpers/server.ts';

// POST /service/cloud/auth (spec/calls-api.md §3), the Authorization header forms, token expiry
// and renewal on a clock the test moves, and the PDS family's 401 codes.

const HOUR = 3_600_000;
const MINUTE = 60_000;
const PDS = '/service/callcenter/call/predict';

interface Credentials {
  appKey: string;
  appSecret: string;
}

/** `{code, status, message, request_id, data:null}` with the code mirroring the HTTP status. */
function assertCloudError(
  r: { status: number; json: unknown; text: string },
  http: number,
  what: string,
) {
  assert.equal(r.status, http, `${what}: ${r.text}`);
  const body = r.json as Record<string, unknown>;
  assert.equal(body?.code, http, `${what}: code`);
  assert.equal(typeof body.status, 'string', `${what}: status`);
  assert.equal(typeof body.message, 'string', `${what}: message`);
  assert.notEqual(body.message, '', `${what}: message`);
  assert.equal(typeof body.request_id, 'string', `${what}: request_id`);
  assert.equal(body.data, null, `${what}: data`);
}

/** `{code, message, request_id, body:null}` with a PDS platform code. */
function assertPdsError(
  r: { status: number; json: unknown; text: string },
  http: number,
  code: number,
  what: string,
) {
  assert.equal(r.status, http, `${what}: ${r.text}`);
  const body = r.json as Record<string, unknown> | undefined;
  assert.ok(body, `${what}: a JSON body, got ${r.text}`);
  assert.equal(body.code, code, `${what}: code in ${r.text}`);
  assert.equal(typeof body.message, 'string', `${what}: message`);
  assert.notEqual(body.message, '', `${what}: message`);
  assert.equal(body.body, null, `${what}: body`);
  assert.equal('data' in body, false, `${what}: no cloud data field`);
}

async function raw(url: string, init: RequestInit) {
  return readResponse(await fetch(url, init));
}

describe(`auth (${storeKind})`, () => {
  const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  let server: TestServer;
  let a: Credentials;
  let b: Credentials;

  before(async () => {
    server = await startTestServer({ clock, worker: false });
    a = await server.runtime.services.auth.createApp({ name: 'auth-a' });
    b = await server.runtime.services.auth.createApp({ name: 'auth-b' });
  });

  after(async () => {
    await server?.close();
  });

  const robots = (authorization?: string) =>
    raw(`${server.url}/service/cloud/robot`, {
      headers: authorization === undefined ? {} : { authorization },
    });

  /** The token works: GET /service/cloud/robot answers the robot list. */
  async function assertValid(token: string, what: string) {
    const r = await client(server.url, token).get('/service/cloud/robot');
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    assert.equal(r.json.code, 200);
    assert.ok(Array.isArray(r.json.data.list), what);
  }

  async function assertExpired(token: string, what: string) {
    const r = await client(server.url, token).get('/service/cloud/robot');
    assertCloudError(r, 401, what);
    assert.match(r.json.message, /expired/i, what);
  }

  describe('POST /service/cloud/auth', () => {
    const assertToken = (r: { status: number; json: unknown; text: string }, what: string) => {
      assert.equal(r.status, 200, `${what}: ${r.text}`);
      const body = r.json as { code: number; status: string; data: { token: unknown } };
      assert.equal(body.code, 200, what);
      assert.equal(body.status, 'OK', what);
      assert.equal(typeof body.data.token, 'string', what);
      assert.ok((body.data.token as string).length >= 20, what);
      return body.data.token as string;
    };

    it('issues a token for a JSON body', async () => {
      const r = await client(server.url).post('/service/cloud/auth', {
        APPKey: a.appKey,
        APPSecret: a.appSecret,
      });
      await assertValid(assertToken(r, 'json'), 'json token');
    });

    it('issues a token for an application/x-www-form-urlencoded body', async () => {
      const r = await raw(`${server.url}/service/cloud/auth`, {
        method: 'POST',
        body: new URLSearchParams({ APPKey: a.appKey, APPSecret: a.appSecret }),
      });
      await assertValid(assertToken(r, 'form'), 'form token');
    });

    it('issues a token for a multipart/form-data body', async () => {
      const form = new FormData();
      form.append('APPKey', a.appKey);
      form.append('APPSecret', a.appSecret);
      const r = await raw(`${server.url}/service/cloud/auth`, { method: 'POST', body: form });
      await assertValid(assertToken(r, 'multipart'), 'multipart token');
    });

    it('issues a different token on each call', async () => {
      const first = await tokenFor(server.url, a.appKey, a.appSecret);
      const second = await tokenFor(server.url, a.appKey, a.appSecret);
      assert.notEqual(first, second);
    });

    it('refuses a wrong secret or an unknown key with 403 (cloud code 403)', async () => {
      const wrongSecret = await client(server.url).post('/service/cloud/auth', {
        APPKey: a.appKey,
        APPSecret: b.appSecret,
      });
      assertCloudError(wrongSecret, 403, 'wrong secret');
      assert.equal(wrongSecret.json.status, 'Forbidden');
      const unknownKey = await client(server.url).post('/service/cloud/auth', {
        APPKey: 'no-such-key-AAAAAAAAAA',
        APPSecret: a.appSecret,
      });
      assertCloudError(unknownKey, 403, 'unknown key');
      assert.equal(unknownKey.text.includes('token'), false, 'no token handed out');
    });

    it('refuses wrong credentials on the PDS auth with 403 and code 10302', async () => {
      const wrongSecret = await client(server.url).post(`${PDS}/auth`, {
        APPKey: a.appKey,
        APPSecret: 'wrong-secret',
      });
      assertPdsError(wrongSecret, 403, 10302, 'pds wrong secret');
      const unknownKey = await client(server.url).post(`${PDS}/auth`, {
        APPKey: 'no-such-key',
        APPSecret: a.appSecret,
      });
      assertPdsError(unknownKey, 403, 10302, 'pds unknown key');
    });

    it('issues a token on the PDS auth in the PDS envelope', async () => {
      const r = await client(server.url).post(`${PDS}/auth`, {
        APPKey: a.appKey,
        APPSecret: a.appSecret,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.code, 0);
      assert.equal(typeof r.json.body.token, 'string');
      await assertValid(r.json.body.token, 'pds-issued token on the cloud family');
    });

    it('answers missing or empty fields with 400 in the cloud envelope', async () => {
      const cases: Array<[string, unknown]> = [
        ['no APPSecret', { APPKey: a.appKey }],
        ['no APPKey', { APPSecret: a.appSecret }],
        ['empty object', {}],
        ['empty APPSecret', { APPKey: a.appKey, APPSecret: '' }],
      ];
      for (const [what, body] of cases) {
        const r = await client(server.url).post('/service/cloud/auth', body);
        assertCloudError(r, 400, what);
      }
      const noBody = await raw(`${server.url}/service/cloud/auth`, { method: 'POST' });
      assertCloudError(noBody, 400, 'no body');
      const emptyForm = await raw(`${server.url}/service/cloud/auth`, {
        method: 'POST',
        body: new URLSearchParams({ APPKey: a.appKey }),
      });
      assertCloudError(emptyForm, 400, 'form without APPSecret');
    });
  });

  describe('Authorization header', () => {
    let token: string;
    before(async () => {
      token = await tokenFor(server.url, a.appKey, a.appSecret);
    });

    it('accepts "Token <t>", "Bearer <t>", "Token<t>" and lower-case schemes', async () => {
      for (const header of [
        `Token ${token}`,
        `Bearer ${token}`,
        `Token${token}`,
        `Bearer${token}`,
        `token ${token}`,
      ]) {
        const r = await robots(header);
        assert.equal(r.status, 200, `${header.slice(0, 8)}…: ${r.text}`);
        assert.equal((r.json as { code: number }).code, 200);
      }
    });

    it('answers a missing or garbage header with 401 (cloud code 401)', async () => {
      assertCloudError(await robots(), 401, 'no header');
      for (const header of ['', 'Token', 'Token ', 'Basic abc', token, `Token ${token}x`, 'x']) {
        assertCloudError(await robots(header), 401, `header "${header.slice(0, 12)}"`);
      }
    });
  });

  describe('PDS family', () => {
    it('answers a missing, unknown or malformed token with HTTP 401 and the PDS codes', async () => {
      const missing = await client(server.url).post(`${PDS}/querytasklist`, {});
      assertPdsError(missing, 401, 10810, 'missing token');
      const garbage = await client(server.url).post(
        `${PDS}/querytasklist`,
        {},
        {
          authorization: 'Basic abc',
        },
      );
      assertPdsError(garbage, 401, 10810, 'header without a token');
      const unknown = await client(server.url, 'bm90LWEtdG9rZW4=').post(`${PDS}/querytasklist`, {});
      assertPdsError(unknown, 401, 10812, 'unknown token');
    });

    it('lets a valid token through to the route (a PDS-envelope 404 while the route is missing)', async () => {
      const token = await tokenFor(server.url, a.appKey, a.appSecret);
      const r = await client(server.url, token).post(`${PDS}/querytasklist`, {});
      assert.notEqual(r.status, 401, r.text);
      if (r.status === 404) assertPdsError(r, 404, 404, 'unknown PDS route');
      else assert.equal(r.json.code, 0, r.text);
    });
  });

  describe('expiry and renewal (tokens live 24 h)', () => {
    // The clock starts at t0 and only moves forward through this block:
    //   t0      tokens A1 (app a) and B1 (app b)
    //   23 h    B2: asking again renews, B1 now expires with B2 at 47 h
    //   24 h    A1 (not renewed) expired; B1 still valid
    //   47 h    B1 and B2 expired
    let a1: string;
    let b1: string;
    let b2: string;

    before(async () => {
      a1 = await tokenFor(server.url, a.appKey, a.appSecret);
      b1 = await tokenFor(server.url, b.appKey, b.appSecret);
    });

    it('keeps a token valid at 23 h and renews the app’s tokens when /auth is asked again', async () => {
      clock.advance(23 * HOUR);
      await assertValid(a1, 'A1 at 23 h');
      await assertValid(b1, 'B1 at 23 h');
      b2 = await tokenFor(server.url, b.appKey, b.appSecret);
      assert.notEqual(b2, b1, 'a new token');
    });

    it('keeps a token valid at 23 h 59 m', async () => {
      clock.advance(59 * MINUTE);
      await assertValid(a1, 'A1 at 23 h 59 m');
      await assertValid(b1, 'B1 at 23 h 59 m');
    });

    it('expires a token that was not renewed at 24 h, with a message saying so', async () => {
      clock.advance(MINUTE + 1000);
      await assertExpired(a1, 'A1 at 24 h');
    });

    it('answers an expired token on a PDS path with HTTP 401 and code 10813', async () => {
      const r = await client(server.url, a1).post(`${PDS}/querytasklist`, {});
      assertPdsError(r, 401, 10813, 'expired token on PDS');
    });

    it('keeps the renewed first token valid past its original 24 h', async () => {
      await assertValid(b1, 'B1 at 24 h');
      clock.advance(HOUR);
      await assertValid(b1, 'B1 at 25 h');
      await assertValid(b2, 'B2 at 25 h');
      clock.advance(21 * HOUR + 58 * MINUTE + 59_000);
      await assertValid(b1, 'B1 at 46 h 59 m');
      await assertValid(b2, 'B2 at 46 h 59 m');
    });

    it('expires both tokens 24 h after the renewal', async () => {
      clock.advance(MINUTE + 1000);
      await assertExpired(b1, 'B1 at 47 h');
      await assertExpired(b2, 'B2 at 47 h');
      clock.advance(HOUR);
      await assertExpired(b1, 'B1 at 48 h');
      await assertExpired(b2, 'B2 at 48 h');
      const pds = await client(server.url, b2).post(`${PDS}/querytasklist`, {});
      assertPdsError(pds, 401, 10813, 'B2 on PDS at 48 h');
    });

    it('does not revive expired tokens when the app asks for a new one', async () => {
      const b3 = await tokenFor(server.url, b.appKey, b.appSecret);
      await assertValid(b3, 'B3');
      // Expired tokens may be purged on renewal, so "invalid" is as right as "expired" here.
      assertCloudError(
        await client(server.url, b2).get('/service/cloud/robot'),
        401,
        'B2 after B3 was issued',
      );
    });
  });
});
