// SIPp as a real peer: a callee (UAS) that waits for one call with one of the scenarios in
// scenarios/, and a caller (UAC) that places one call and exits. Each run keeps its statistics
// (-trace_stat), unexpected messages (-trace_err) and every SIP message (-trace_msg) in files in
// the test's directory; tests assert on those and on SIPp's exit code.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import {
  freeUdpPort,
  spawnTool,
  udpPortTaken,
  waitUntilReady,
  type ToolProcess,
} from '../helpers/sip-tools.ts';

export const SCENARIO_DIR = fileURLToPath(new URL('./scenarios/', import.meta.url));

/** The callee scenarios: what Tiller meets when it calls. */
export type CalleeScenario = 'answer-and-speak' | 'busy' | 'ring-timeout' | 'hangup-mid-prompt';

/** SIPp's exit codes (sipp -h): 0 all calls succeeded, 1 at least one failed. */
export const SIPP_ALL_CALLS_OK = 0;
export const SIPP_SOME_CALL_FAILED = 1;
// -2 (254 as an exit status): a socket could not be bound.
const SIPP_BIND_FAILED = 254;

export interface SippResult {
  code: number | null;
  /** The last row of the -trace_stat CSV, by column name ("SuccessfulCall(C)": "1"). */
  stats: Record<string, string>;
  /** The -trace_err file: unexpected messages and aborted calls ('' when none). */
  errors: string;
  /** The -trace_msg file: every SIP message sent and received. */
  messages: string;
}

export interface SippFiles {
  stats: string;
  errors: string;
  messages: string;
}

function filesFor(dir: string, label: string): SippFiles {
  return {
    stats: join(dir, `${label}.stats.csv`),
    errors: join(dir, `${label}.errors.log`),
    messages: join(dir, `${label}.messages.log`),
  };
}

function traceArgs(files: SippFiles): string[] {
  return [
    '-trace_stat',
    '-stf',
    files.stats,
    '-trace_err',
    '-error_file',
    files.errors,
    '-trace_msg',
    '-message_file',
    files.messages,
  ];
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** The last row of SIPp's ';'-separated statistics file, keyed by its header. */
export function parseSippStats(csv: string): Record<string, string> {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const last = lines.length > 1 ? (lines[lines.length - 1]?.split(';') ?? []) : [];
  return Object.fromEntries(header.map((name, i) => [name, last[i] ?? '']));
}

export async function sippResult(code: number | null, files: SippFiles): Promise<SippResult> {
  return {
    code,
    stats: parseSippStats(read(files.stats)),
    errors: read(files.errors),
    messages: read(files.messages),
  };
}

export interface Callee {
  readonly port: number;
  /** host:port of its SIP socket. */
  readonly address: string;
  readonly process: ToolProcess;
  /** Resolves when the callee has finished its one call (or failed it) and exited. */
  finished(): Promise<SippResult>;
}

/**
 * Starts a SIPp callee for one call (-m 1) with `scenario`, in `dir` as its working directory
 * (answer-and-speak plays `answer.ul` from there: see answer-audio.ts). Ready once SIPp holds
 * its SIP port; a call sent after that waits in the socket until SIPp reads it.
 */
export async function startCallee(
  t: TestContext,
  sipp: string,
  dir: string,
  scenario: CalleeScenario,
  extraArgs: readonly string[] = [],
): Promise<Callee> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeUdpPort();
    const mediaPort = await freeUdpPort();
    const label = `callee-${scenario}-${attempt}`;
    const files = filesFor(dir, label);
    const args = [
      '-sf',
      join(SCENARIO_DIR, `${scenario}.xml`),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mp',
      String(mediaPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '120s',
      '-timeout_error',
      ...traceArgs(files),
      ...extraArgs,
    ];
    const child = spawnTool(t, { name: label, command: sipp, args, dir });
    try {
      await waitUntilReady(child, () => udpPortTaken(port));
    } catch (error) {
      const exit = child.hasExited() ? await child.exited : undefined;
      if (attempt < 3 && exit?.code === SIPP_BIND_FAILED) continue;
      throw error;
    }
    return {
      port,
      address: `127.0.0.1:${port}`,
      process: child,
      finished: async () => sippResult((await child.exited).code, files),
    };
  }
}

export interface CallerOptions {
  /** A caller scenario of scenarios/ (uac-answered, uac-busy, uac-cancel, ...). */
  scenario: string;
  /** host:port the call goes to (the trunk). */
  target: string;
  /** The user part of the Request-URI: the number called. */
  service?: string;
  user: string;
  password: string;
  /** -key values the scenario uses ([rtp_sink_port]). */
  keys?: Record<string, string | number>;
}

/** Places one call with SIPp and resolves when SIPp has exited. */
export async function runCaller(
  t: TestContext,
  sipp: string,
  dir: string,
  options: CallerOptions,
): Promise<SippResult> {
  for (let attempt = 1; ; attempt++) {
    const label = `caller-${options.scenario}-${attempt}`;
    const files = filesFor(dir, label);
    const keys = Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, String(v)]);
    const args = [
      '-sf',
      join(SCENARIO_DIR, `${options.scenario}.xml`),
      '-i',
      '127.0.0.1',
      '-p',
      String(await freeUdpPort()),
      '-mp',
      String(await freeUdpPort()),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '120s',
      '-timeout_error',
      '-s',
      options.service ?? '6281234567',
      '-au',
      options.user,
      '-ap',
      options.password,
      ...keys,
      ...traceArgs(files),
      options.target,
    ];
    const child = spawnTool(t, { name: label, command: sipp, args, dir });
    const { code } = await child.exited;
    if (attempt < 3 && code === SIPP_BIND_FAILED) continue;
    return sippResult(code, files);
  }
}
