import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../helpers/server.ts';

// A private PostgreSQL server for fault tests that stop and start the database: its own data
// directory under the temp dir, its own port, never the machine's shared server. initdb refuses
// to run as root, so as root the binaries run as the `postgres` OS user, which owns the directory.

const run = promisify(execFile);

export interface PgInstance {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  readonly url: string;
  readonly port: number;
  /** Starts the server again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `fast` rolls back open transactions and closes connections; `immediate` kills the server (crash recovery on the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** The directory holding initdb and pg_ctl, or undefined when no PostgreSQL is installed. */
export function findPgBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on PATH: look where distributions install the server.
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  candidates.push('/usr/local/pgsql/bin', '/usr/bin');
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

/** Why a private instance cannot run here, or undefined when it can. */
export function pgInstanceUnavailable(): string | undefined {
  if (!findPgBin()) return 'no initdb/pg_ctl found (set PG_BIN to their directory)';
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres OS user to run initdb as';
    }
  }
  return undefined;
}

export async function startPgInstance(): Promise<PgInstance> {
  const bin = findPgBin();
  if (!bin) throw new Error('no initdb/pg_ctl found (set PG_BIN to their directory)');
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tiller-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const pg = (tool: string, args: string[]) => {
    const file = join(bin, tool);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
  };
  const pgSync = (tool: string, args: string[]) => {
    const file = join(bin, tool);
    execFileSync(
      asRoot ? 'runuser' : file,
      asRoot ? ['-u', 'postgres', '--', file, ...args] : args,
      {
        stdio: 'ignore',
      },
    );
  };

  // fsync off: a stop, even `immediate`, is a process crash, not a machine crash, so what the
  // server wrote is still in the OS cache. synchronous_commit stays on: a commit is in the WAL.
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
  };
  let running = false;

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  await start();
  running = true;

  // If the test process dies without destroy(), the server (a daemon) must not outlive it.
  const onExit = () => {
    if (!running) return;
    try {
      pgSync('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await start();
      running = true;
    },
    async stop(mode) {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      if (running) {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
