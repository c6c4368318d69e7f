import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { testDatabaseUrl } from './db.ts';
import { freePort, waitFor } from './server.ts';

export const BIN = new URL('../../bin/tiller.js', import.meta.url).pathname;

/**
 * The `tiller` command as an operator runs it: a real child process, on store files of its own
 * or on a PostgreSQL schema of its own (when DATABASE_URL is set), both removed by cleanup().
 */
export function cliHarness(name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `tiller-${name}-`));
  const schema = `${name.replaceAll('-', '_')}_${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TILLER_DATA_DIR: dataDir,
    TILLER_DB_SCHEMA: testDatabaseUrl ? schema : 'public',
    TILLER_LOG_LEVEL: 'warn',
  };
  return {
    dataDir,
    env,
    tiller: (...args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 }),
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (!testDatabaseUrl) return;
      const client = new pg.Client(testDatabaseUrl);
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** A `tiller` child process that runs until stopped: its output, its exit, a way to wait for both. */
export interface TillerProcess {
  child: ChildProcess;
  output(): string;
  stdout(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export function spawnTiller(env: NodeJS.ProcessEnv, ...args: string[]): TillerProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  child.stdout!.on('data', (d) => {
    all += d;
    out += d;
  });
  child.stderr!.on('data', (d) => (all += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => all,
    stdout: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Starts `tiller serve` on a free port of 127.0.0.1 and waits until it answers /healthz. */
export async function serveTiller(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnTiller(
    { ...env, PORT: String(port), HOST: '127.0.0.1', TILLER_PUBLIC_URL: url, ...extra },
    'serve',
  );
  try {
    await waitFor(
      'the server to be healthy',
      async () => {
        if (server.child.exitCode !== null) throw new Error(`tiller exited: ${server.output()}`);
        const r = await fetch(`${url}/healthz`).catch(() => undefined);
        await r?.arrayBuffer();
        return r?.status === 200 ? true : undefined;
      },
      120_000,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { ...server, url, port };
}
