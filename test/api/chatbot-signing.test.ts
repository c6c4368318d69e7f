import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { rawBodyOf } from '../../src/api/auth/raw-body.ts';
import { signBody, signRequest } from '../../src/api/auth/signature.ts';
import { chatbotFamily } from '../../src/api/families/chatbot.ts';
import type { Family } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { SigningKeyCache } from '../../src/modules/auth/signing-key-cache.ts';
import type { Services } from '../../src/modules/services.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { AppError } from '../../src/shared/errors.ts';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { rawExchange, SEED_BODY, SEED_KEY, seedRequest } from '../helpers/seed-request.ts';

// The Chatbot family's real authentication (signing keys in the store, AuthService's lookup) and
// its error statuses, through test routes mounted in the real family definition: the family has
// no routes of its own yet, and these show what reached a route.

interface Seen {
  appId: number;
  raw: string;
  body: unknown;
}

const testRoutes =
  (seen: Seen[]): FastifyPluginAsync =>
  async (app) => {
    app.post('/session/message/send', async (request) => {
      seen.push({
        appId: request.caller.appId,
        raw: rawBodyOf(request).toString('utf8'),
        body: request.body,
      });
      return { msg_id: '3b36592db276377cf65fe22337cc2bff', app_id: request.caller.appId };
    });
    app.post('/session/close', async () => {
      throw new AppError('session_not_found', 'no session aa2870b1e9da2fe808d690c42feca78e');
    });
    app.post('/boom', async () => {
      throw new Error('a bug');
    });
  };

describe('Chatbot family: signing keys, lenient keys, and error statuses', () => {
  let store: TestStore;
  let auth: AuthService;
  let app: FastifyInstance;
  let port: number;
  const seen: Seen[] = [];
  let appA: number;
  let appB: number;
  let strictKey: { keyId: string; secret: string };

  before(async () => {
    store = await openTestStore();
    auth = new AuthService(store.db, loadConfig({}, {}), systemClock);
    appA = (await auth.createApp({ name: 'a' })).app.id;
    appB = (await auth.createApp({ name: 'b' })).app.id;
    const created = await auth.signingKeys.create(appB, {});
    strictKey = { keyId: created.key.keyId, secret: created.secret };
    const family: Family = { ...chatbotFamily, routes: () => [testRoutes(seen)] };
    app = bareApp();
    await mountFamily(app, family, { auth } as unknown as Services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  const post = (
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ statusCode: number; json(): Record<string, unknown> }> =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    }) as never;

  const refused = (r: { statusCode: number; json(): Record<string, unknown> }, message: string) => {
    assert.equal(r.statusCode, 401);
    const body = r.json();
    assert.deepEqual(Object.keys(body), ['request_id', 'code', 'message', 'data']);
    assert.equal(body.code, 401);
    assert.match(String(body.request_id), /^[0-9a-f]{32}$/);
    assert.ok(String(body.message).startsWith(message), String(body.message));
  };

  it('takes the seed request byte for byte (empty X-AIRudder-Sign) with a lenient key', async () => {
    const key = await auth.signingKeys.create(appA, { keyId: SEED_KEY, lenient: true });
    assert.equal(key.key.keyId, SEED_KEY);
    const before = seen.length;
    const r = await rawExchange(port, seedRequest(`127.0.0.1:${port}`));
    assert.equal(r.status, 200, r.body);
    const answer = JSON.parse(r.body);
    assert.equal(answer.code, 200);
    assert.equal(answer.message, 'Success');
    assert.deepEqual(answer.data, { msg_id: '3b36592db276377cf65fe22337cc2bff', app_id: appA });
    assert.equal(seen.length, before + 1);
    assert.equal(seen.at(-1)!.raw, SEED_BODY, 'the route saw the bytes curl sent');
    assert.equal(
      (seen.at(-1)!.body as { messages: Array<{ text: string }> }).messages[0]!.text,
      "this's agent",
    );
  });

  it('refuses the same seed request with 401 in the envelope once the key is strict', async () => {
    await auth.signingKeys.setLenient(appA, SEED_KEY, false);
    try {
      const before = seen.length;
      const r = await rawExchange(port, seedRequest(`127.0.0.1:${port}`));
      assert.equal(r.status, 401, r.body);
      const answer = JSON.parse(r.body);
      assert.equal(answer.code, 401);
      assert.equal(answer.data, null);
      assert.match(answer.message, /^Request signature is missing/);
      assert.equal(seen.length, before, 'the route never ran');
    } finally {
      await auth.signingKeys.setLenient(appA, SEED_KEY, true);
    }
  });

  it("accepts a body-only signature (no timestamp) and a timestamped one, naming the key's app", async () => {
    const body = '{"call_id": "aa2870b1e9da2fe808d690c42feca78e"}';
    const plain = await post('/api/v1/session/message/send', body, {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': signBody(strictKey.secret, body),
    });
    assert.equal(plain.statusCode, 200);
    assert.equal((plain.json().data as { app_id: number }).app_id, appB);
    const stamp = String(Math.floor(Date.now() / 1000));
    const stamped = await post('/api/v1/session/message/send', body, {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': signRequest(strictKey.secret, stamp, Buffer.from(body)),
      'x-airudder-timestamp': stamp,
    });
    assert.equal(stamped.statusCode, 200);
    assert.equal((stamped.json().data as { app_id: number }).app_id, appB);
  });

  it('refuses wrong signatures, with and without a timestamp, even for a lenient key', async () => {
    const body = '{"a":1}';
    const stamp = String(Math.floor(Date.now() / 1000));
    for (const key of [strictKey.keyId, SEED_KEY]) {
      refused(
        await post('/api/v1/session/message/send', body, {
          'x-airudder-sign-key': key,
          'x-airudder-sign': signBody('not the secret', body),
        }),
        'Invalid request signature',
      );
      refused(
        await post('/api/v1/session/message/send', body, {
          'x-airudder-sign-key': key,
          'x-airudder-sign': signRequest('not the secret', stamp, Buffer.from(body)),
          'x-airudder-timestamp': stamp,
        }),
        'Invalid request signature',
      );
    }
    // A body-only signature sent with a timestamp does not pass: the timestamp is signed too.
    refused(
      await post('/api/v1/session/message/send', body, {
        'x-airudder-sign-key': strictKey.keyId,
        'x-airudder-sign': signBody(strictKey.secret, body),
        'x-airudder-timestamp': stamp,
      }),
      'Invalid request signature',
    );
  });

  it('answers an unknown key like a wrong signature, and a blank one like a strict key', async () => {
    const body = '{}';
    const unknown = 'ffffffffffffffffffffffffffffffff';
    refused(
      await post('/api/v1/session/message/send', body, {
        'x-airudder-sign-key': unknown,
        'x-airudder-sign': signBody('whatever', body),
      }),
      'Invalid request signature',
    );
    const blankUnknown = await post('/api/v1/session/message/send', body, {
      'x-airudder-sign-key': unknown,
      'x-airudder-sign': '',
    });
    const blankStrict = await post('/api/v1/session/message/send', body, {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': '',
    });
    refused(blankUnknown, 'Request signature is missing');
    refused(blankStrict, 'Request signature is missing');
    assert.equal(blankUnknown.json().message, blankStrict.json().message);
  });

  it('refuses a timestamp outside the 300 s window, even correctly signed', async () => {
    const body = '{}';
    const stamp = String(Math.floor(Date.now() / 1000) - 600);
    const r = await post('/api/v1/session/message/send', body, {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': signRequest(strictKey.secret, stamp, Buffer.from(body)),
      'x-airudder-timestamp': stamp,
    });
    refused(r, 'Request timestamp is outside the replay window');
  });

  it('refuses a revoked key at once in the process that revoked it', async () => {
    const made = await auth.signingKeys.create(appB, {});
    const body = '{"n":1}';
    const headers = {
      'x-airudder-sign-key': made.key.keyId,
      'x-airudder-sign': signBody(made.secret, body),
    };
    assert.equal((await post('/api/v1/session/message/send', body, headers)).statusCode, 200);
    const revoked = await auth.signingKeys.revoke(appB, made.key.keyId);
    assert.ok(revoked.revokedAt instanceof Date);
    refused(await post('/api/v1/session/message/send', body, headers), 'Invalid request signature');
  });

  it('refuses a key revoked by another process once the cached lookup ends (5 s)', async () => {
    let now = 0;
    const cache = new SigningKeyCache({ now: () => now });
    const here = new AuthService(store.db, loadConfig({}, {}), systemClock, {
      signingKeyCache: cache,
    });
    const elsewhere = new AuthService(store.db, loadConfig({}, {}), systemClock);
    const made = await elsewhere.signingKeys.create(appB, {});
    assert.equal((await here.signingKeys.lookup(made.key.keyId))?.caller.appId, appB);
    await elsewhere.signingKeys.revoke(appB, made.key.keyId);
    now = 4_999;
    assert.ok(await here.signingKeys.lookup(made.key.keyId), 'still cached inside the TTL');
    now = 5_000;
    assert.equal(await here.signingKeys.lookup(made.key.keyId), undefined);
  });

  it('answers a business error with HTTP 200 and the code in the envelope', async () => {
    const body = '{"call_id":"aa2870b1e9da2fe808d690c42feca78e"}';
    const r = await post('/api/v1/session/close', body, {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': signBody(strictKey.secret, body),
    });
    assert.equal(r.statusCode, 200);
    const answer = r.json();
    assert.deepEqual(Object.keys(answer), ['request_id', 'code', 'message', 'data']);
    assert.equal(answer.code, 404);
    assert.equal(answer.message, 'Session not found: no session aa2870b1e9da2fe808d690c42feca78e');
    assert.equal(answer.data, null);
  });

  it('keeps a server fault a 500', async () => {
    const r = await post('/api/v1/boom', '{}', {
      'x-airudder-sign-key': strictKey.keyId,
      'x-airudder-sign': signBody(strictKey.secret, '{}'),
    });
    assert.equal(r.statusCode, 500);
    assert.equal(r.json().code, 500);
  });
});
