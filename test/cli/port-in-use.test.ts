import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliHarness, spawnTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { freePort } from '../helpers/server.ts';

// A server that cannot listen must not stay up: before the fix it printed EADDRINUSE and kept
// running, holding the data-dir lock and dialling. It must exit non-zero and let go of the store.

const { dataDir, env, cleanup } = cliHarness('port-in-use');

describe(`tiller serve on a port in use (${storeKind})`, () => {
  let blocker: Server;
  let port: number;

  before(async () => {
    port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await cleanup();
  });

  it('exits non-zero with one line, and releases the store lock', async () => {
    const server = spawnTiller({ ...env, PORT: String(port), HOST: '127.0.0.1' }, 'serve');
    // No timeout of our own: a process that stays up fails the test by the runner's timeout.
    const code = await server.exited;
    assert.equal(code, 1, server.output());
    const errors = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('tiller:'));
    assert.deepEqual(errors, [
      `tiller: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
    ]);
    assert.doesNotMatch(server.output(), /^\s+at /m, 'no stack trace');
    assert.equal(existsSync(join(dataDir, 'tiller.pid')), false, 'the store lock is released');
    assert.equal(existsSync(join(dataDir, 'admin.json')), false);
  });
});
