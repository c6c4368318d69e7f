import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FastifyInstance, type InjectOptions } from 'fastify';
import { v1Envelope } from '../../src/api/envelopes.ts';
import { familyPlugin } from '../../src/api/family.ts';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { dncRoutes } from '../../src/modules/dnc/dnc.routes.ts';
import { DncService } from '../../src/modules/dnc/dnc.service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { listed, numbers } from './harness.ts';
import { bareApp } from '../../src/api/app.ts';

// The do-not-call routes as an integrator calls them: the /v1 family (token, envelope, error
// table) with the JSON body parser and the validator options of api/app.ts.

describe(`do-not-call routes (${storeKind})`, () => {
  let store: TestStore;
  let server: FastifyInstance;
  const apps: Array<{ id: number; token: string }> = [];

  before(async () => {
    store = await openTestStore();
    const auth = new AuthService(store.db, loadConfig({}, { demo: false }), systemClock);
    server = bareApp();
    await server.register(familyPlugin, {
      prefix: '/v1',
      envelope: v1Envelope,
      auth,
      routes: [dncRoutes(new DncService(store.db))],
    });
    for (const name of ['a', 'b']) {
      const created = await auth.createApp({ name, timezone: 'Asia/Jakarta' });
      apps.push({
        id: created.app.id,
        token: await auth.issueToken(created.appKey, created.appSecret),
      });
    }
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options: {
      app?: { token: string };
      json?: unknown;
      body?: string | Buffer;
      type?: string;
    } = {},
  ) => {
    const headers: Record<string, string> = {
      authorization: `Token ${(options.app ?? apps[0]!).token}`,
    };
    const request: InjectOptions = { method, url, headers };
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      request.payload = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'text/csv';
      request.payload = options.body;
    }
    return server.inject(request);
  };
  const clear = () => store.db.query('DELETE FROM dnc_numbers');

  it('adds, lists and removes numbers in the v1 envelope', async () => {
    await clear();
    const added = await call('POST', '/v1/dnc', {
      json: { numbers: ['+62 812 0000 0001', '+6281200000002'], reason: 'complaint' },
    });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json(), {
      code: 200,
      status: 'OK',
      data: { added: ['+6281200000001', '+6281200000002'], already_listed: [] },
    });
    const again = await call('POST', '/v1/dnc', { json: { numbers: ['+6281200000001'] } });
    assert.deepEqual(again.json().data, { added: [], already_listed: ['+6281200000001'] });

    const list = await call('GET', '/v1/dnc?page=1&page_size=1&prefix=%2B62812');
    assert.equal(list.statusCode, 200, list.body);
    const data = list.json().data;
    assert.equal(data.total, 2);
    assert.equal(data.page_size, 1);
    assert.equal(data.list.length, 1);
    assert.equal(data.list[0].number, '+6281200000001');
    assert.equal(data.list[0].reason, 'complaint');
    assert.equal(data.list[0].source, 'api');
    assert.match(data.list[0].create_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const removed = await call('DELETE', '/v1/dnc/%2B6281200000001');
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(removed.json().data, { removed: true });
    // A bare + in a path is a plus (only query strings read it as a space).
    assert.equal((await call('DELETE', '/v1/dnc/+6281200000002')).statusCode, 200);
    const gone = await call('DELETE', '/v1/dnc/%2B6281200000001');
    assert.equal(gone.statusCode, 404, gone.body);
    assert.equal(gone.json().code, 404);
    assert.equal(gone.json().data, null);
    assert.match(gone.json().message, /\+6281200000001/);
    assert.deepEqual(await listed(store.db, apps[0]!.id), []);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    await clear();
    const bad = await call('POST', '/v1/dnc', {
      json: { numbers: ['+6281200000001', '081200000002'] },
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().message, 'Incorrect phone number: numbers[1] "081200000002"');
    for (const json of [
      { numbers: [] },
      { numbers: ['+6281200000001'], extra: 1 },
      { numbers: ['+6281200000001'], reason: 'x'.repeat(501) },
      { reason: 'no numbers' },
    ]) {
      const r = await call('POST', '/v1/dnc', { json });
      assert.equal(r.statusCode, 400, JSON.stringify(json));
    }
    for (const query of ['page_size=5000', 'page=0', 'prefix=abc']) {
      assert.equal((await call('GET', `/v1/dnc?${query}`)).statusCode, 400, query);
    }
    const badDelete = await call('DELETE', '/v1/dnc/12345');
    assert.equal(badDelete.statusCode, 400);
    assert.match(badDelete.json().message, /Incorrect phone number/);
    assert.deepEqual(await listed(store.db, apps[0]!.id), []);
  });

  it('imports CSV sent as text/csv or as JSON {csv}', async () => {
    await clear();
    const asCsv = await call('POST', '/v1/dnc/import', {
      body: 'number,reason\n+6281200000001,moved\n# note\n\n+6281200000002\n',
    });
    assert.equal(asCsv.statusCode, 200, asCsv.body);
    assert.deepEqual(asCsv.json().data, { numbers: 2, added: 2, already_listed: 0 });
    const asJson = await call('POST', '/v1/dnc/import', {
      json: { csv: '+6281200000002\r\n+6281200000003,"a, b"' },
    });
    assert.equal(asJson.statusCode, 200, asJson.body);
    assert.deepEqual(asJson.json().data, { numbers: 2, added: 1, already_listed: 1 });
    assert.deepEqual(await listed(store.db, apps[0]!.id), [
      { number: '+6281200000001', reason: 'moved', source: 'import' },
      { number: '+6281200000002', reason: null, source: 'import' },
      { number: '+6281200000003', reason: 'a, b', source: 'import' },
    ]);
  });

  it('refuses a CSV with a bad line whole, bad UTF-8, and other content types', async () => {
    await clear();
    const bad = await call('POST', '/v1/dnc/import', {
      body: '+6281200000001\n+6281200000002\n+62 12\n',
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().message, 'Incorrect phone number: line 3: "+62 12"');
    const binary = await call('POST', '/v1/dnc/import', {
      body: Buffer.from([0x2b, 0x36, 0x32, 0xff, 0xfe]),
    });
    assert.equal(binary.statusCode, 400, binary.body);
    assert.match(binary.json().message, /UTF-8/);
    const plain = await call('POST', '/v1/dnc/import', {
      body: '+6281200000001',
      type: 'text/plain',
    });
    assert.equal(plain.statusCode, 415, plain.body);
    const csvElsewhere = await call('POST', '/v1/dnc', { body: '+6281200000001' });
    assert.equal(csvElsewhere.statusCode, 415, 'only the import reads text/csv');
    assert.deepEqual(await listed(store.db, apps[0]!.id), []);
  });

  it('accepts an import larger than the 1 MiB default body limit', async () => {
    await clear();
    const reason = 'customer asked on the phone and the agent recorded it';
    const body = numbers(20_000)
      .map((n) => `${n},${reason}`)
      .join('\n');
    assert.ok(body.length > 1024 * 1024);
    const r = await call('POST', '/v1/dnc/import', { body });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.deepEqual(r.json().data, { numbers: 20_000, added: 20_000, already_listed: 0 });
  });

  it('reads and switches the verbal opt-out setting', async () => {
    const read = await call('GET', '/v1/dnc/settings');
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(read.json().data, { auto_dnc_on_optout: true }, 'on by default');
    const off = await call('PUT', '/v1/dnc/settings', { json: { auto_dnc_on_optout: false } });
    assert.deepEqual(off.json().data, { auto_dnc_on_optout: false });
    assert.deepEqual((await call('GET', '/v1/dnc/settings')).json().data, {
      auto_dnc_on_optout: false,
    });
    assert.deepEqual(
      (await call('GET', '/v1/dnc/settings', { app: apps[1] })).json().data,
      { auto_dnc_on_optout: true },
      "B's setting is its own",
    );
    for (const json of [{}, { auto_dnc_on_optout: 'maybe' }, { auto_dnc_on_optout: true, x: 1 }]) {
      assert.equal(
        (await call('PUT', '/v1/dnc/settings', { json })).statusCode,
        400,
        JSON.stringify(json),
      );
    }
  });

  it("keeps B out of A's list", async () => {
    await clear();
    await call('POST', '/v1/dnc', { json: { numbers: ['+6281200000001'] } });
    const b = apps[1]!;
    const list = await call('GET', '/v1/dnc', { app: b });
    assert.equal(list.json().data.total, 0);
    assert.equal(list.body.includes('+6281200000001'), false);
    const remove = await call('DELETE', '/v1/dnc/%2B6281200000001', { app: b });
    assert.equal(remove.statusCode, 404);
    assert.equal((await listed(store.db, apps[0]!.id)).length, 1, "A's number is still listed");
    const own = await call('POST', '/v1/dnc', { app: b, json: { numbers: ['+6281200000001'] } });
    assert.deepEqual(own.json().data.added, ['+6281200000001'], 'B lists it independently');
  });

  it('needs a token', async () => {
    for (const [method, url] of [
      ['GET', '/v1/dnc'],
      ['POST', '/v1/dnc/import'],
      ['DELETE', '/v1/dnc/%2B6281200000001'],
      ['PUT', '/v1/dnc/settings'],
    ] as const) {
      const r = await server.inject({ method, url });
      assert.equal(r.statusCode, 401, `${method} ${url}`);
    }
  });
});
