// The embedded store's lock (src/store/data-dir-lock.ts, on proper-lockfile): one process at a
// time, and a lock left by a killed process is taken over at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { DataDirBusyError, dataDirHolder, lockDataDir } from '../../src/store/data-dir-lock.ts';

const LOCK_MODULE = new URL('../../src/store/data-dir-lock.ts', import.meta.url).href;
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tiller-lock-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A child process that takes the lock, says so on stdout, and waits to be killed. */
async function childHolding(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)};
       lockDataDir(${JSON.stringify(dataDir)});
       process.stdout.write('locked\\n');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  while (!out.includes('locked')) {
    const [chunk] = (await once(child.stdout, 'data')) as [string];
    out += chunk;
  }
  return child;
}

describe('data-dir lock', () => {
  it('refuses a second process while the holder lives, with the holder in the message', async () => {
    const dataDir = freshDir();
    const child = await childHolding(dataDir);
    try {
      assert.equal(dataDirHolder(dataDir), child.pid);
      assert.throws(
        () => lockDataDir(dataDir),
        (error: unknown) =>
          error instanceof DataDirBusyError &&
          error.holder === child.pid &&
          error.message ===
            `the embedded store in ${dataDir} is in use by process ${child.pid}; stop it first, ` +
              'or run every process against PostgreSQL with DATABASE_URL',
      );
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('takes over at once the lock of a process killed with SIGKILL', async () => {
    const dataDir = freshDir();
    const child = await childHolding(dataDir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The killed process cleaned nothing up: its lock and pid are still there, the lock fresh.
    assert.equal(existsSync(join(dataDir, 'tiller.lock')), true);
    assert.equal(readFileSync(join(dataDir, 'tiller.pid'), 'utf8'), String(child.pid));
    assert.equal(dataDirHolder(dataDir), undefined);

    const release = lockDataDir(dataDir);
    assert.equal(readFileSync(join(dataDir, 'tiller.pid'), 'utf8'), String(process.pid));
    release();
    assert.equal(existsSync(join(dataDir, 'tiller.pid')), false);
    assert.equal(existsSync(join(dataDir, 'tiller.lock')), false);
  });

  it('shares one lock within a process and releases it once', () => {
    const dataDir = freshDir();
    const first = lockDataDir(dataDir);
    const second = lockDataDir(dataDir);
    assert.equal(second, first);
    first();
    second();
    assert.equal(existsSync(join(dataDir, 'tiller.lock')), false);
    // Free again: a new lock is taken and released normally.
    lockDataDir(dataDir)();
  });

  it('refuses a fresh lock whose holder has not written its pid yet', () => {
    const dataDir = freshDir();
    mkdirSync(join(dataDir, 'tiller.lock'));
    assert.throws(() => lockDataDir(dataDir), DataDirBusyError);
    // A pid file left by a dead process next to it proves the lock abandoned.
    writeFileSync(join(dataDir, 'tiller.pid'), '2147483646');
    lockDataDir(dataDir)();
  });
});
