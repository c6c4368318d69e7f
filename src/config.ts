// The only reader of the environment. Every setting has a visible default, is validated once,
// and the result is frozen so no module can change it behind another's back.
// docs/config.md lists the same variables; a test keeps the two in step.

export interface Config {
  port: number;
  host: string;
  /** Where the embedded store and recordings live. */
  dataDir: string;
  /** PostgreSQL connection string; empty means the embedded PGlite store in dataDir. */
  databaseUrl: string;
  /** PostgreSQL schema for all tables (lets tests and tenants of one server share a database). */
  dbSchema: string;
  /** Simulated durations are divided by this (1 = real time, 1000 = a minute in 60 ms). */
  timeScale: number;
  /**
   * Set: the business clock is simulated, starting at this instant and running timeScale times
   * faster than real time (windows, caps, schedules, timers). Null: the system clock.
   */
  simulatedStart: Date | null;
  logLevel: string;
  /** Log personal data (numbers, transcripts) in clear instead of redacting the marked fields. */
  logPii: boolean;
  /** Base URL printed in the demo instructions and used for links the server hands out. */
  publicUrl: string;
  /** Zone in which a new app renders times `YYYY-MM-DD HH:MM:SS`. */
  defaultTimezone: string;
  tokenTtlSeconds: number;
  webhookTimeoutMs: number;
  webhookRetryDelayMs: number;
  webhookMaxRetries: number;
  /** Deliveries in flight at once per worker process. */
  webhookConcurrency: number;
  /** Concurrent calls per app unless the app sets its own cap. */
  appConcurrency: number;
  /** Concurrent calls per task unless the task sets its own cap. */
  taskConcurrency: number;
  /** Fallback poll of the job and dial loops when no wake-up arrives. */
  pollIntervalMs: number;
  /** How long SIGTERM waits for in-flight calls and deliveries before handing them back. */
  shutdownGraceMs: number;
  /** Caller id used when a task names no line. */
  defaultCallerNumber: string;
  /** Create a demo app and print its credentials on the first start of an empty store. */
  demo: boolean;
  /** Webhook URL the demo app is created with ('' for none). */
  demoWebhookUrl: string;
  /** The simulated carrier also writes every dial to this file (fault tests); empty: memory only. */
  simulatorLedger: string;
  /** Simulated messaging channels also write every accepted send to this file; empty: memory only. */
  messagingLedger: string;
  /** Make a WAV recording of every answered call (off makes bulk simulations cheaper). */
  recordings: boolean;
  /** OpenAI-compatible chat endpoint for intents and slots; unused while llmKey is empty. */
  llmUrl: string;
  llmKey: string;
  llmModel: string;
  /** Key that signs recording links; empty: generated once and kept in the database. */
  linkSecret: string;
  /** Calling-window override given to every new app (docs/compliance.md); null: the country packs. */
  defaultCallingWindows: WindowOverride | null;
  /** Who places calls: the simulated carrier (default) or a SIP trunk (docs/sip.md). */
  carrier: 'simulated' | 'sip';
  /** The trunk's settings when carrier is sip. */
  sip: SipTrunkConfig | null;
  /** Speech to text on real calls: an OpenAI-compatible server, or Debian's pocketsphinx. */
  stt: { kind: 'openai'; url: string; key: string; model: string } | { kind: 'pocketsphinx' };
  /** The robot's voice: eSpeak NG in-process (default) or an OpenAI-compatible server. */
  tts:
    { kind: 'espeak' } | { kind: 'openai'; url: string; key: string; model: string; voice: string };
}

import { parseOverride, type WindowOverride } from './shared/window-override.ts';
import { toE164 } from './shared/phone.ts';
import {
  readSipTrunkConfig,
  SipConfigError,
  type SipTrunkConfig,
} from './shared/sip-trunk-config.ts';

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function instant(env: Env, name: string): Date | null {
  const raw = env[name];
  if (!raw) return null;
  // An explicit offset or Z: a simulation must start at the same instant on every machine.
  const at = /(Z|[+-]\d\d:\d\d)$/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new ConfigError(
      `${name} must be an ISO 8601 instant with an offset, such as 2026-11-23T00:00:00Z, got "${raw}"`,
    );
  }
  return at;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function num(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${name} must be a number of at least ${min}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function zone(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(`${name} must be an IANA time zone such as Asia/Jakarta, got "${value}"`);
  }
  return value;
}

function parseWindowsVariable(raw: string | undefined): WindowOverride | null {
  if (raw === undefined || raw.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError('TILLER_DEFAULT_CALLING_WINDOWS must be JSON (docs/compliance.md)');
  }
  const parsed = parseOverride(value);
  if (!parsed.ok) throw new ConfigError(`TILLER_DEFAULT_CALLING_WINDOWS: ${parsed.error}`);
  return parsed.value;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const schema = env.TILLER_DB_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(`TILLER_DB_SCHEMA must be a lowercase SQL identifier, got "${schema}"`);
  }
  const logLevel = env.TILLER_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `TILLER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  const callerNumber = toE164(env.TILLER_CALLER_NUMBER || '+6221500000088');
  if (!callerNumber) {
    throw new ConfigError(
      `TILLER_CALLER_NUMBER must be an international number such as +6221500000088`,
    );
  }
  const publicUrl = (env.TILLER_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!URL.canParse(publicUrl) || !/^https?:$/.test(new URL(publicUrl).protocol)) {
    throw new ConfigError(`TILLER_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  }
  const windows = parseWindowsVariable(env.TILLER_DEFAULT_CALLING_WINDOWS);
  const config: Config = {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: env.TILLER_DATA_DIR || './data',
    databaseUrl: env.DATABASE_URL || '',
    dbSchema: schema,
    timeScale: num(env, 'TILLER_TIME_SCALE', 1, 0.001),
    simulatedStart: instant(env, 'TILLER_SIMULATED_START'),
    logLevel,
    logPii: bool(env, 'TILLER_LOG_PII', false),
    publicUrl,
    defaultTimezone: zone(env, 'TILLER_DEFAULT_TIMEZONE', 'UTC'),
    tokenTtlSeconds: int(env, 'TILLER_TOKEN_TTL_SECONDS', 86_400, 1, 31_536_000),
    webhookTimeoutMs: int(env, 'TILLER_WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
    webhookRetryDelayMs: int(env, 'TILLER_WEBHOOK_RETRY_DELAY_MS', 60_000, 0, 86_400_000),
    webhookMaxRetries: int(env, 'TILLER_WEBHOOK_MAX_RETRIES', 5, 0, 100),
    // The embedded store shares its one thread with the HTTP requests: more in flight there only
    // starves the event loop (deliveries time out and are sent again), so its default is 50.
    webhookConcurrency:
      env.DATABASE_URL || env.TILLER_WEBHOOK_CONCURRENCY
        ? int(env, 'TILLER_WEBHOOK_CONCURRENCY', 200, 1, 10_000)
        : 50,
    appConcurrency: int(env, 'TILLER_APP_CONCURRENCY', 100, 1, 100_000),
    taskConcurrency: int(env, 'TILLER_TASK_CONCURRENCY', 20, 1, 100_000),
    pollIntervalMs: int(env, 'TILLER_POLL_INTERVAL_MS', 1_000, 10, 60_000),
    shutdownGraceMs: int(env, 'TILLER_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    defaultCallerNumber: callerNumber,
    demo: bool(env, 'TILLER_DEMO', true),
    demoWebhookUrl: httpUrl(env, 'TILLER_DEMO_WEBHOOK_URL'),
    recordings: bool(env, 'TILLER_RECORDINGS', true),
    simulatorLedger: env.TILLER_SIMULATOR_LEDGER || '',
    messagingLedger: env.TILLER_MESSAGING_LEDGER || '',
    llmUrl: (env.TILLER_LLM_URL || 'https://api.openai.com/v1').replace(/\/+$/, ''),
    llmKey: env.TILLER_LLM_KEY || '',
    llmModel: env.TILLER_LLM_MODEL || 'gpt-4o-mini',
    linkSecret: env.TILLER_LINK_SECRET || '',
    defaultCallingWindows: windows,
    ...carrierSettings(env),
    ...overrides,
  };
  return Object.freeze(config);
}

/** The carrier, and the speech a real line needs (docs/sip.md). */
function carrierSettings(env: Env): Pick<Config, 'carrier' | 'sip' | 'stt' | 'tts'> {
  const carrier = env.TILLER_CARRIER || 'simulated';
  if (carrier !== 'simulated' && carrier !== 'sip')
    throw new ConfigError(`TILLER_CARRIER must be simulated or sip, got "${carrier}"`);
  let sip: SipTrunkConfig | null = null;
  if (carrier === 'sip') {
    try {
      sip = readSipTrunkConfig(env);
    } catch (error) {
      if (error instanceof SipConfigError) throw new ConfigError(error.message);
      throw error;
    }
  }
  const stt = speechServer(
    'TILLER_STT',
    env.TILLER_STT,
    httpUrl(env, 'TILLER_STT_URL'),
    'pocketsphinx',
  );
  const tts = speechServer('TILLER_TTS', env.TILLER_TTS, httpUrl(env, 'TILLER_TTS_URL'), 'espeak');
  return {
    carrier,
    sip,
    stt:
      stt.kind === 'openai'
        ? {
            kind: 'openai',
            url: stt.url,
            key: env.TILLER_STT_KEY || '',
            model: env.TILLER_STT_MODEL || 'whisper-1',
          }
        : { kind: 'pocketsphinx' },
    tts:
      tts.kind === 'openai'
        ? {
            kind: 'openai',
            url: tts.url,
            key: env.TILLER_TTS_KEY || '',
            model: env.TILLER_TTS_MODEL || 'tts-1',
            voice: env.TILLER_TTS_VOICE || 'alloy',
          }
        : { kind: 'espeak' },
  };
}

/**
 * A speech provider's `kind` (e.g. TILLER_STT) and URL (TILLER_STT_URL): an OpenAI-compatible
 * server when named, or when only its URL is set; else the local engine.
 */
function speechServer(
  variable: string,
  named: string | undefined,
  rawUrl: string,
  local: string,
): { kind: string; url: string } {
  const url = rawUrl.replace(/\/+$/, '');
  const kind = named || (url ? 'openai' : local);
  if (kind !== 'openai' && kind !== local)
    throw new ConfigError(`${variable} must be openai or ${local}, got "${kind}"`);
  if (kind === 'openai' && !url)
    throw new ConfigError(`${variable}=openai needs ${variable}_URL (up to /v1)`);
  return { kind, url };
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name] || '';
  if (value && !(URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))) {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  return value;
}
