// Tiller in this process (API, dialer, finalizer, webhook deliverer, a store of its own) dialling
// through a real SipCallControl over UDP on loopback, for the SIP fault tests that need what the
// child process cannot give: a user agent with a short T1 (timer B in about a second, not 32 s),
// a scripted recogniser, and a hand on each answered leg (its RTP statistics).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CallControl,
  Connect,
  LegListener,
  OriginateRequest,
} from '../../src/channels/telephony/call-control.ts';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import type { SipLeg } from '../../src/channels/telephony/sip/sip-leg.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { loadConfig } from '../../src/config.ts';
import type { Stt } from '../../src/dialogue/ports/stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../../src/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestStore } from '../helpers/db.ts';
import { ALWAYS_OPEN, client, freePort, tokenFor } from '../helpers/server.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

export interface SipTillerOptions {
  proxy: { host: string; port: number };
  stt: Stt;
  /** The user agent's T1: timer B (no answer to an INVITE at all) is 64 times this. */
  t1Ms?: number;
  ringTimeoutSeconds?: number;
  webhookUrl: string;
}

/** The call control the runtime dials through, keeping every answered leg for the test. */
class KeepingLegs implements CallControl {
  readonly legs: SipLeg[] = [];
  readonly #inner: SipCallControl;
  readonly capabilities: CallControl['capabilities'];

  constructor(inner: SipCallControl) {
    this.#inner = inner;
    this.capabilities = inner.capabilities;
  }

  async originate(request: OriginateRequest, events?: LegListener): Promise<Connect> {
    const connect = await this.#inner.originate(request, events);
    if (connect.outcome === 'answered') this.legs.push(connect.leg as SipLeg);
    return connect;
  }
}

export async function startSipTiller(options: SipTillerOptions) {
  const store = await openTestStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'tiller-sip-faults-'));
  const port = await freePort();
  const ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: options.t1Ms ?? 100 });
  const trunk = loopbackTrunk(options.proxy, {
    ringTimeoutSeconds: options.ringTimeoutSeconds ?? 20,
  });
  const callControl = new KeepingLegs(
    new SipCallControl({ ua, trunk, stt: options.stt, amd: false }),
  );
  const config = loadConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicUrl: `http://127.0.0.1:${port}`,
      pollIntervalMs: 50,
      webhookRetryDelayMs: 50,
      webhookTimeoutMs: 2_000,
      shutdownGraceMs: 2_000,
      demo: false,
      recordings: false,
      dataDir,
      defaultCallingWindows: ALWAYS_OPEN,
    },
  );
  const runtime = await startTiller({
    config,
    api: true,
    worker: true,
    db: store.db,
    callControl,
    log: createLogger({ level: 'warn', logPii: false }),
    // Tones for the robot's lines: the peer hears turns by their loudness, not their words.
    tts: new ToneTts(),
  });
  const url = runtime.url!;
  const app = await runtime.services.auth.createApp({
    name: 'sip-faults',
    webhookUrl: options.webhookUrl,
  });
  const api = client(url, await tokenFor(url, app.appKey, app.appSecret));
  return {
    api,
    db: store.db,
    legs: callControl.legs,
    async close() {
      await runtime.stop();
      await ua.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
