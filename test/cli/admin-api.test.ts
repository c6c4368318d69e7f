import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { client, tokenFor } from '../helpers/server.ts';

// Every admin command while `tiller serve` runs. On the embedded store the server holds the
// store, so the commands go through its admin API (found in <data dir>/admin.json); on
// PostgreSQL they go to the database as before. Either way an operator sees the same thing.

const { dataDir, env, tiller, cleanup } = cliHarness('admin-api');

describe(`admin commands while a server runs (${storeKind})`, () => {
  let server: Awaited<ReturnType<typeof serveTiller>>;
  const json = (...args: string[]) => {
    const out = tiller(...args, '--json');
    assert.equal(out.status, 0, `${args.join(' ')}: ${out.stderr}`);
    return JSON.parse(out.stdout);
  };

  before(async () => {
    server = await serveTiller(env, { TILLER_DEMO: 'false' });
  });
  after(async () => {
    await server?.stop();
    await cleanup();
  });

  it('creates an app that the running server serves at once', async () => {
    const app = json('app', 'create', '--name', 'live', '--timezone', 'Asia/Jakarta');
    assert.match(app.app_secret, /^[A-Za-z0-9+/]{22}$/);
    assert.equal(app.timezone, 'Asia/Jakarta');
    const token = await tokenFor(server.url, app.app_key, app.app_secret);
    assert.equal((await client(server.url, token).get('/service/cloud/robot')).status, 200);
    const listed = json('app', 'list');
    assert.ok(listed.some((a: { app_key: string }) => a.app_key === app.app_key));
    const shown = json('app', 'show', '--app-key', app.app_key);
    assert.equal(shown.name, 'live');
    assert.equal(shown.app_secret, undefined, 'the secret is never shown again');
    const text = tiller('app', 'show', '--app-key', app.app_key);
    assert.match(text.stdout, /APPSecret: +not shown.*rotate-secret/);
  });

  it('rotates a secret: the old secret and its tokens stop working, the new one works', async () => {
    const app = json('app', 'create', '--name', 'rotating');
    const oldToken = await tokenFor(server.url, app.app_key, app.app_secret);
    // Used once, so the server has the token in its lookup cache. On the embedded store the
    // rotation runs in that server and clears it at once; on PostgreSQL the CLI writes to the
    // database and another process's cache lets go within its few seconds (docs/api-calls.md).
    if (storeKind === 'pglite')
      assert.equal((await client(server.url, oldToken).get('/service/cloud/robot')).status, 200);
    const rotated = json('app', 'rotate-secret', '--app-key', app.app_key);
    assert.notEqual(rotated.app_secret, app.app_secret);
    assert.equal(rotated.revoked_tokens, 1);

    const withOldToken = await client(server.url, oldToken).get('/service/cloud/robot');
    assert.equal(withOldToken.status, 401);
    const withOldSecret = await client(server.url).post('/service/cloud/auth', {
      APPKey: app.app_key,
      APPSecret: app.app_secret,
    });
    assert.equal(withOldSecret.json.code, 403);
    const newToken = await tokenFor(server.url, app.app_key, rotated.app_secret);
    assert.equal((await client(server.url, newToken).get('/service/cloud/robot')).status, 200);
  });

  it('sets and clears the webhook URL the server delivers to', async () => {
    const app = json('app', 'create', '--name', 'hooked');
    const token = await tokenFor(server.url, app.app_key, app.app_secret);
    const set = json(
      'app',
      'set-webhook',
      '--app-key',
      app.app_key,
      '--url',
      'http://127.0.0.1:9/h',
    );
    assert.equal(set.webhook_url, 'http://127.0.0.1:9/h');
    const seen = await client(server.url, token).get('/v1/app/webhook');
    assert.equal(seen.json.data.url, 'http://127.0.0.1:9/h');
    const cleared = json('app', 'set-webhook', '--app-key', app.app_key, '--clear');
    assert.equal(cleared.webhook_url, null);
    const both = tiller('app', 'set-webhook', '--app-key', app.app_key);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /needs either --url URL or --clear/);
  });

  it('imports a robot and edits the DNC list through the server', async () => {
    const app = json('app', 'create', '--name', 'robots-and-dnc');
    const file = join(dataDir, 'live-robot.yaml');
    const definition = builtinRobots().find((r) => r.robot_id === 4497)!.definition;
    writeFileSync(file, stringifyYaml({ ...definition, name: 'Live_Import' }));
    const imported = tiller('robot', 'import', file, '--app-key', app.app_key);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /^added robot \d+ "Live_Import" version 1$/m);
    writeFileSync(file, stringifyYaml({ ...definition, start: 'nowhere' }));
    const broken = tiller('robot', 'import', file, '--app-key', app.app_key);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /live-robot\.yaml: .*start: no node "nowhere"/);

    const added = tiller('dnc', 'add', '+6281234567000', '--app-key', app.app_key);
    assert.equal(added.status, 0, added.stderr);
    assert.deepEqual(
      json('dnc', 'list', '--app-key', app.app_key).map((e: { number: string }) => e.number),
      ['+6281234567000'],
    );
    const notListed = tiller('dnc', 'remove', '+6281234567999', '--app-key', app.app_key);
    assert.equal(notListed.status, 1);
    const unknownApp = tiller('dnc', 'list', '--app-key', 'no-such-key');
    assert.equal(unknownApp.status, 2);
    assert.match(unknownApp.stderr, /no app has that APPKey/);
  });

  it('on the embedded store: an owner-only admin.json, and an admin API that wants its token', async (t) => {
    if (storeKind !== 'pglite') return t.skip('PostgreSQL: the CLI opens the database itself');
    const file = join(dataDir, 'admin.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const endpoint = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(endpoint.url, server.url);
    for (const token of [undefined, 'wrong', endpoint.token.slice(1)]) {
      const r = await fetch(`${server.url}/v1/admin/app.list`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { 'x-tiller-admin-token': token } : {}),
        },
        body: '{}',
      });
      assert.equal(r.status, 401, String(token));
      assert.equal(((await r.json()) as { code: number }).code, 401);
    }
    // An app token is not an admin token.
    const app = json('app', 'create', '--name', 'not-admin');
    const appToken = await tokenFor(server.url, app.app_key, app.app_secret);
    const asApp = await client(server.url, appToken).post('/v1/admin/app.list', {});
    assert.equal(asApp.status, 401);
    const right = await fetch(`${server.url}/v1/admin/app.nothing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tiller-admin-token': endpoint.token },
      body: '{}',
    });
    assert.equal(right.status, 404);
    assert.match(((await right.json()) as { message: string }).message, /app\.create/);
  });

  it('the server removes admin.json and its lock when it stops', async () => {
    assert.equal(await server.stop(), 0, server.output());
    assert.equal(existsSync(join(dataDir, 'admin.json')), false);
    assert.equal(existsSync(join(dataDir, 'tiller.pid')), false);
    // With no server, the commands open the store themselves again.
    assert.ok(json('app', 'list').length >= 4);
  });
});
