import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import type { Tts } from '../../src/dialogue/tts/tts.ts';
import { SimulatedCallControl } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import type { ChannelFactory } from '../../src/modules/messaging/channel-registry.ts';
import { startTiller, type Runtime } from '../../src/runtime.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestStore, type TestStore } from './db.ts';

export interface TestServer {
  url: string;
  runtime: Runtime;
  store: TestStore;
  carrier: SimulatedCallControl;
  config: Config;
  close(): Promise<void>;
}

export const ALWAYS_OPEN = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }];

/** The real server (API and workers) on 127.0.0.1, a store of its own, simulated calls sped up. */
export async function startTestServer(
  options: {
    config?: Partial<Config>;
    clock?: Clock;
    worker?: boolean;
    tts?: Tts;
    /** Messaging channels' adapters (test/messaging's provider-edge fakes). */
    channels?: ChannelFactory;
  } = {},
): Promise<TestServer> {
  const store = await openTestStore();
  // Recordings go to a directory of the test's own, removed at close.
  const dataDir = mkdtempSync(join(tmpdir(), 'tiller-test-'));
  // A real port up front, so links the server hands out (recordings) point at itself.
  const port = await freePort();
  const config = loadConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicUrl: `http://127.0.0.1:${port}`,
      timeScale: 1000,
      pollIntervalMs: 50,
      webhookRetryDelayMs: 50,
      webhookTimeoutMs: 2_000,
      shutdownGraceMs: 2_000,
      demo: false,
      dataDir,
      // Calling windows are tested where the test sets the clock (test/compliance); elsewhere a
      // suite must not depend on the hour it runs at.
      defaultCallingWindows: ALWAYS_OPEN,
      ...options.config,
    },
  );
  const carrier = new SimulatedCallControl({ timeScale: config.timeScale });
  const runtime = await startTiller({
    config,
    api: true,
    worker: options.worker ?? true,
    db: store.db,
    callControl: carrier,
    log: createLogger({ level: 'warn', logPii: false }),
    // Tone "speech" keeps the suite fast; test/recordings uses the real espeak-ng voices.
    tts: options.tts ?? new ToneTts(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
  });
  return {
    url: runtime.url!,
    runtime,
    store,
    carrier,
    config,
    async close() {
      await runtime.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Status, body text and (when it parses) JSON of a response. */
export async function readResponse(response: Response) {
  const text = await response.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read any envelope
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A small JSON client that speaks the cloud API the way integrators do. */
export function client(base: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Token ${token}` } : {}),
    ...extra,
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    extra?: Record<string, string>,
  ) => {
    const response = await fetch(base + path, {
      method,
      headers: headers(
        body === undefined ? extra : { 'content-type': 'application/json', ...extra },
      ),
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return readResponse(response);
  };
  return {
    get: (path: string, extra?: Record<string, string>) => call('GET', path, undefined, extra),
    post: (path: string, body?: unknown, extra?: Record<string, string>) =>
      call('POST', path, body, extra),
    put: (path: string, body?: unknown) => call('PUT', path, body),
  };
}

export async function tokenFor(base: string, appKey: string, appSecret: string): Promise<string> {
  const r = await client(base).post('/service/cloud/auth', {
    APPKey: appKey,
    APPSecret: appSecret,
  });
  if (r.status !== 200) throw new Error(`auth failed: ${r.text}`);
  return r.json.data.token as string;
}

/** Waits for a condition, polling; fails with `what` after the deadline (never asserts on time). */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
