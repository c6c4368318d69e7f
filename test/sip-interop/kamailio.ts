// kamailio as the SIP trunk of the interop tests: digest auth on REGISTER and INVITE, record-route,
// every INVITE forwarded to one address (the SIPp callee). The config is the template beside this
// file with its placeholders filled in, written into the test's own directory.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freeUdpPort, spawnTool, waitUntilReady, type ToolProcess } from '../helpers/sip-tools.ts';
import { sendOptions } from './sip-probe.ts';

const TEMPLATE = new URL('./kamailio.cfg', import.meta.url);

export interface TrunkOptions {
  /** host:port that every authorised INVITE is forwarded to. */
  forwardTo: string;
  user?: string;
  password?: string;
  realm?: string;
}

export interface Trunk {
  readonly port: number;
  /** host:port to send SIP to. */
  readonly address: string;
  readonly user: string;
  readonly password: string;
  readonly realm: string;
  readonly process: ToolProcess;
  /** kamailio's log so far (its stderr). */
  log(): string;
}

export function renderKamailioConfig(port: number, options: Required<TrunkOptions>): string {
  const values: Record<string, string> = {
    PORT: String(port),
    FORWARD: options.forwardTo,
    USER: options.user,
    PASSWORD: options.password,
    REALM: options.realm,
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/@@([A-Z]+)@@/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`kamailio.cfg: unknown placeholder @@${key}@@`);
    return value;
  });
}

/** Starts kamailio in the foreground and resolves once it answers an OPTIONS with 200. */
export async function startTrunk(
  t: TestContext,
  kamailio: string,
  dir: string,
  options: TrunkOptions,
): Promise<Trunk> {
  const settings = {
    user: 'tiller',
    password: 'trunk-secret',
    realm: 'trunk.test',
    ...options,
  };
  // A port picked by the OS can be taken before kamailio binds it: then it exits, and we retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freeUdpPort();
    const runDir = join(dir, `kamailio-run-${attempt}`);
    mkdirSync(runDir, { recursive: true });
    const config = join(dir, `kamailio-${attempt}.cfg`);
    writeFileSync(config, renderKamailioConfig(port, settings));
    const args = ['-f', config, '-Y', runDir, '-DD', '-E', '-m', '32', '-M', '8'];
    // Debian's module directory is kamailio's built-in default; KAMAILIO_MODULES overrides it.
    if (process.env.KAMAILIO_MODULES) args.push('-L', process.env.KAMAILIO_MODULES);
    const child = spawnTool(t, { name: `kamailio-${attempt}`, command: kamailio, args, dir });
    try {
      await waitUntilReady(
        child,
        async () => (await sendOptions(port, '127.0.0.1', 300)) !== undefined,
      );
    } catch (error) {
      if (attempt < 3 && child.hasExited()) continue;
      throw error;
    }
    return {
      port,
      address: `127.0.0.1:${port}`,
      ...settings,
      process: child,
      log: () => readFileSync(child.stderrFile, 'utf8'),
    };
  }
}
