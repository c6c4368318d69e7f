import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { BIN, cliHarness } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { client, tokenFor, waitFor } from '../helpers/server.ts';

// The `tiller` command as an operator runs it: a real child process, real store files or a real
// PostgreSQL schema, a real signal.

const { dataDir, env, tiller, cleanup } = cliHarness('cli');

describe(`tiller command (${storeKind})`, () => {
  after(() => cleanup());

  it('migrates, then finds nothing left to apply', () => {
    const first = tiller('migrate');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied migrations 1, 2/);
    const second = tiller('migrate');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /no pending migrations/);
  });

  it('creates an app and prints its key and secret as JSON', () => {
    const out = tiller(
      'app',
      'create',
      '--name',
      'acme',
      '--webhook-url',
      'http://127.0.0.1:9/hook',
      '--json',
    );
    assert.equal(out.status, 0, out.stderr);
    const app = JSON.parse(out.stdout);
    assert.equal(app.name, 'acme');
    assert.match(app.app_key, /^[A-Za-z0-9+/]{22}$/);
    assert.match(app.app_secret, /^[A-Za-z0-9+/]{22}$/);
    assert.equal(app.webhook_url, 'http://127.0.0.1:9/hook');
    assert.match(app.webhook_secret, /^whsec_/);
  });

  it('imports a YAML robot for an app, then a new version of it', () => {
    const app = JSON.parse(tiller('app', 'create', '--name', 'robots', '--json').stdout);
    const definition = {
      ...builtinRobots().find((r) => r.robot_id === 4497)!.definition,
      name: 'Orders_YAML',
    };
    const file = join(dataDir, 'orders.yaml');
    writeFileSync(file, stringifyYaml(definition));
    const first = tiller('robot', 'import', file, '--app-key', app.app_key);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^added robot \d+ "Orders_YAML" version 1$/m);
    const second = tiller('robot', 'import', file, '--app-key', app.app_key);
    assert.match(second.stdout, /^updated robot \d+ "Orders_YAML" version 2$/m);

    writeFileSync(file, stringifyYaml({ ...definition, start: 'nowhere' }));
    const broken = tiller('robot', 'import', file, '--app-key', app.app_key);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /start: no node "nowhere"/);
    const unknownApp = tiller('robot', 'import', file, '--app-key', 'not-a-key');
    assert.equal(unknownApp.status, 2);
    assert.match(unknownApp.stderr, /no app has that APPKey/);
  });

  it('refuses bad arguments with a usage message and exit code 2', () => {
    const noName = tiller('app', 'create');
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /needs --name/);
    const badUrl = tiller('app', 'create', '--name', 'x', '--webhook-url', 'ftp://nope');
    assert.equal(badUrl.status, 2);
    assert.match(badUrl.stderr, /http\(s\) URL/);
    const unknown = tiller('frobnicate');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command/);
  });

  it('prints every error as one line without a stack: 2 for usage, 1 for the rest', () => {
    const oneLine = (out: ReturnType<typeof tiller>, status: number, pattern: RegExp) => {
      assert.equal(out.status, status, out.stderr);
      assert.equal(out.stderr.trimEnd().split('\n').length, 1, out.stderr);
      assert.match(out.stderr, pattern);
      assert.doesNotMatch(out.stderr, /\n\s+at /);
    };
    oneLine(tiller('app', 'create', '--nme', 'x'), 2, /^tiller: Unknown option '--nme'/);
    oneLine(tiller('app', 'frob'), 2, /^tiller: unknown app command "frob"/);
    oneLine(tiller('app', 'show'), 2, /^tiller: app show needs --app-key/);
    oneLine(tiller('app', 'show', '--app-key', 'nope'), 2, /no app has that APPKey/);
    oneLine(tiller('app', 'rotate-secret', '--app-key', 'nope'), 2, /no app has that APPKey/);
    oneLine(tiller('dnc', 'list'), 2, /^tiller: dnc list needs --app-key/);
    const unreachable = spawnSync(process.execPath, [BIN, 'app', 'list'], {
      env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    oneLine(unreachable, 1, /^tiller: .*(ECONNREFUSED|connect)/);
    oneLine(
      spawnSync(process.execPath, [BIN, 'app', 'list'], {
        env: { ...env, TILLER_TIME_SCALE: 'fast' },
        encoding: 'utf8',
      }),
      2,
      /^tiller: TILLER_TIME_SCALE/,
    );
  });

  it('lists, shows, rotates and re-points apps with no server running', () => {
    const app = JSON.parse(tiller('app', 'create', '--name', 'offline', '--json').stdout);
    const list = JSON.parse(tiller('app', 'list', '--json').stdout);
    assert.ok(list.some((a: { app_key: string }) => a.app_key === app.app_key));
    const rotated = JSON.parse(
      tiller('app', 'rotate-secret', '--app-key', app.app_key, '--json').stdout,
    );
    assert.match(rotated.app_secret, /^[A-Za-z0-9+/]{22}$/);
    assert.notEqual(rotated.app_secret, app.app_secret);
    const hooked = tiller(
      'app',
      'set-webhook',
      '--app-key',
      app.app_key,
      '--url',
      'https://crm.example.com/h',
    );
    assert.equal(hooked.status, 0, hooked.stderr);
    const shown = tiller('app', 'show', '--app-key', app.app_key);
    assert.match(shown.stdout, /Webhook URL: +https:\/\/crm\.example\.com\/h/);
    assert.match(shown.stdout, /APPSecret: +not shown/);
  });

  it('serves the app it created, and drains and exits 0 on SIGTERM', async () => {
    const created = JSON.parse(tiller('app', 'create', '--name', 'served', '--json').stdout);
    const port = 20_000 + (process.pid % 20_000);
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        TILLER_TIME_SCALE: '1000',
        TILLER_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor('the server to be healthy', async () => {
        const r = await fetch(`${url}/healthz`).catch(() => undefined);
        return r?.status === 200 ? true : undefined;
      });
      assert.doesNotMatch(output, /demo app created/i, 'no demo app once an app exists');
      const token = await tokenFor(url, created.app_key, created.app_secret);
      const robots = await client(url, token).get('/service/cloud/robot');
      assert.equal(robots.status, 200);
      // While the server holds the store, an admin command goes through it (admin-api.test.ts).
      const second = tiller('app', 'create', '--name', 'second', '--json');
      assert.equal(second.status, 0, second.stderr);
      if (storeKind === 'pglite') {
        const migrating = tiller('migrate');
        assert.equal(migrating.status, 1, 'a second process may not open the embedded store');
        assert.match(migrating.stderr, /^tiller: the embedded store .* is in use by process \d+/);
      }
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
    assert.match(output, /tiller stopped/);
    assert.equal(existsSync(join(dataDir, 'tiller.pid')), false, 'the store lock is released');
  });
});
