// The Debian programs that the SIP interop tests run as real peers (SIPp, kamailio, espeak-ng,
// sox, tshark, pocketsphinx): finding them, skipping a test that lacks one, and running them as
// child processes that are always stopped and whose output is kept in files, shown when a test
// fails. docs/sip-interop.md explains the harness built on this.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

export type SipTool =
  'sipp' | 'kamailio' | 'espeak-ng' | 'sox' | 'tshark' | 'pocketsphinx_continuous';

/** The Debian package that installs each program (`apt-get install <package>`). */
export const DEBIAN_PACKAGE: Readonly<Record<SipTool, string>> = {
  sipp: 'sip-tester',
  kamailio: 'kamailio',
  'espeak-ng': 'espeak-ng',
  sox: 'sox',
  tshark: 'tshark',
  pocketsphinx_continuous: 'pocketsphinx',
};

// kamailio installs into /usr/sbin, which is not on every user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** The absolute path of a program on PATH (or in an sbin directory), or undefined. */
export function findTool(name: SipTool): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The paths of `tools`, or undefined after skipping the test with a one-line notice naming the
 * first missing program and its package. Under plain `npm test` these tests are skipped too:
 * they belong to `npm run test:sip`, which runs them one file at a time after CI installs the
 * packages (a file run directly with `node --test` still runs them).
 */
export function requireTools<T extends SipTool>(
  t: TestContext,
  tools: readonly T[],
): Record<T, string> | undefined {
  if (process.env.npm_lifecycle_event === 'test') {
    t.skip('SIP interop tests run under `npm run test:sip`');
    return undefined;
  }
  const found = {} as Record<T, string>;
  for (const tool of tools) {
    const path = findTool(tool);
    if (path === undefined) {
      t.skip(`${tool} is not installed (Debian package ${DEBIAN_PACKAGE[tool]})`);
      return undefined;
    }
    found[tool] = path;
  }
  return found;
}

/**
 * A UDP port that was free a moment ago: the OS picks it for a socket bound to port 0, which is
 * closed before the port is handed to a child process. Another process may take it in between,
 * so the start helpers retry with a new port when the child fails to bind.
 */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Whether some process holds `port` (our own bind of it fails with EADDRINUSE). */
export async function udpPortTaken(port: number, host = '127.0.0.1'): Promise<boolean> {
  const socket = createSocket({ type: 'udp4', reuseAddr: false });
  const taken = await new Promise<boolean>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    socket.bind(port, host, () => resolve(false));
  });
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // never bound: nothing to close
    }
  });
  return taken;
}

/** A temporary directory for one test's configs, logs and captures, removed never (artifacts). */
export function testDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tiller-${prefix}-`));
}

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ToolProcess {
  readonly name: string;
  readonly pid: number;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ToolExit>;
  /** Whether the process has exited yet. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<ToolExit>;
  /** The last lines of stdout and stderr, for failure messages. */
  tail(lines?: number): string;
}

export interface SpawnToolOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** Working directory, also where stdout/stderr files go. */
  dir: string;
}

/**
 * Starts a program with stdout and stderr going to files in `dir`. The test's cleanup stops it
 * (also when the test fails or times out) and, when the test failed, prints both tails.
 */
export function spawnTool(t: TestContext, options: SpawnToolOptions): ToolProcess {
  const stdoutFile = join(options.dir, `${options.name}.stdout.log`);
  const stderrFile = join(options.dir, `${options.name}.stderr.log`);
  const out = openSync(stdoutFile, 'a');
  const err = openSync(stderrFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.dir,
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  let exit: ToolExit | undefined;
  const exited = new Promise<ToolExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.once('error', () => {
      exit = { code: null, signal: null };
      resolve(exit);
    });
  });

  const tail = (lines = 30) =>
    [stdoutFile, stderrFile]
      .map((file) => {
        const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        return `--- ${file} (last ${lines} lines)\n${text}`;
      })
      .join('\n');

  const stop = async (graceMs = 5000): Promise<ToolExit> => {
    if (exit) return exit;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  t.after(async () => {
    await stop();
    // `passed` is on the runtime TestContext (Node 24) but not yet in @types/node.
    if ((t as unknown as { passed?: boolean }).passed === false) {
      console.error(`${options.name} (pid ${child.pid}) output:\n${tail()}`);
    }
  });

  return {
    name: options.name,
    pid: child.pid ?? -1,
    stdoutFile,
    stderrFile,
    exited,
    hasExited: () => exit !== undefined,
    stop,
    tail,
  };
}

/**
 * Polls `ready` until it is true, failing early when the process exits first. The interval is
 * only a polling period; the condition is the observable.
 */
export async function waitUntilReady(
  process: ToolProcess,
  ready: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.hasExited()) {
      throw new Error(`${process.name} exited before it was ready\n${process.tail()}`);
    }
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${process.name} not ready after ${timeoutMs} ms\n${process.tail()}`);
}

/** Runs a program to completion and returns its exit code, stdout and stderr. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
