// API load (issues 5 and 9, benchmark 4): authenticated task detail and task list at 50
// connections (autocannon), against the raw floor: the same page's SQL run by a bare node:http
// handler on the same driver, store and data (bench/raw-floor.ts), in the same process and run.
//
//   npm run bench -- [--store pglite|postgres|both] [--callees N] [--duration S]
//   (or: node bench/api-load.ts ..., on Node 24)
//
// Each store runs in a child process of its own (`--child <store>`). It prepares the data with a
// fast simulation (a task of N callees run to the end on the simulated carrier, zero talk time,
// recordings on), stops, and starts again as a user would: `tiller serve` (API and worker) with
// the config of an empty environment plus the store's location (DATABASE_URL and a schema, or a
// data dir for the embedded store), logs at the default level written to /dev/null. Then it
// starts the raw floor beside it and prints one READY line. The parent runs autocannon against
// both (so the load generator does not share their event loop) and closes the child's stdin;
// the child stops and drops its store.
// Targets: route >= 0.5 of the raw floor's requests/s on both stores, p99 < 50 ms on PostgreSQL.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { openPostgres } from '../src/store/drivers/postgres.ts';
import { createLogger } from '../src/shared/logger.ts';
import { benchSchema, PG_URL, type Store } from './bench-store.ts';
import { startRawFloor } from './raw-floor.ts';

const TARGET = { ratio: 0.5, p99Ms: 50 };
const CONNECTIONS = 50;
const PAGES = ['detail', 'list'] as const;
type Page = (typeof PAGES)[number];

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    callees: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    child: { type: 'string' },
  },
});
const callees = Number(values.callees);
const duration = Number(values.duration);

interface Ready {
  store: Store;
  token: string;
  route: Record<Page, string>;
  raw: Record<Page, string>;
  bytes: Record<Page, number>;
}

/** What a user sets to run on this store: its location, nothing else. */
function userEnvironment(store: Store, dataDir: string): Record<string, string> {
  const where: Record<string, string> = { TILLER_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' };
  return store === 'postgres'
    ? { ...where, DATABASE_URL: PG_URL, TILLER_DB_SCHEMA: benchSchema() }
    : where;
}

/** A task of N callees run to the end, fast: the data the pages show. */
async function prepare(env: Record<string, string>) {
  const config = loadConfig(env, {
    demo: false,
    timeScale: 1_000_000, // zero talk time
    appConcurrency: 100_000,
    taskConcurrency: 100_000,
    pollIntervalMs: 50,
    defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
  });
  const runtime = await startTiller({
    config,
    api: false,
    worker: true,
    tts: new ToneTts(),
    log: createLogger({ level: 'error', logPii: false }),
  });
  const { auth, tasks } = runtime.services;
  const app = await auth.createApp({ name: 'bench' });
  const { task_id } = await tasks.create(
    { appId: app.app.id, timezone: 'UTC' },
    {
      task_name: 'bench',
      robot_id: '4496',
      redial_times: 1,
      callees: Array.from({ length: callees }, (_, i) => ({
        callee_number: `+62812${String(1_000_000 + i).padStart(8, '0')}`,
      })),
    },
  );
  for (;;) {
    const [row] = await runtime.services.db.query<{ status: string }>(
      'SELECT status FROM tasks WHERE id = $1',
      [task_id],
    );
    if (row!.status === 'Finished') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await runtime.stop();
  return { app, taskId: task_id };
}

async function child(store: Store) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tiller-api-bench-'));
  const env = userEnvironment(store, dataDir);
  const { app, taskId } = await prepare(env);
  const config = loadConfig(env);
  const runtime = await startTiller({
    config,
    api: true,
    worker: true,
    log: createLogger(
      { level: config.logLevel, logPii: config.logPii },
      pino.destination({ dest: '/dev/null', sync: false }),
    ),
  });
  const token = await runtime.services.auth.issueToken(app.appKey, app.appSecret);
  const query = `task_id=${encodeURIComponent(taskId)}&page_size=20`;
  const route = {
    detail: `${runtime.url}/service/cloud/detail?${query}`,
    list: `${runtime.url}/service/cloud/list?page_size=20`,
  };
  const bytes = { detail: 0, list: 0 };
  for (const page of PAGES) {
    const res = await fetch(route[page], { headers: { authorization: `Token ${token}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${page}: HTTP ${res.status} ${body}`);
    bytes[page] = Buffer.byteLength(body);
  }
  const floor = await startRawFloor(runtime.services.db, app.app.id);
  const ready: Ready = {
    store,
    token,
    route,
    raw: { detail: `${floor.url}/detail?${query}`, list: `${floor.url}/list?page_size=20` },
    bytes,
  };
  console.log(`READY ${JSON.stringify(ready)}`);
  // The parent closes stdin when its load runs are done.
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.on('end', resolve));
  await floor.close();
  await runtime.stop(); // closes the store it opened
  if (store === 'postgres') {
    const admin = await openPostgres(PG_URL, 'public', 1);
    await admin.query(`DROP SCHEMA "${benchSchema()}" CASCADE`);
    await admin.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  /** CPU time of the server process per request (ms): steadier than req/s on a busy machine. */
  cpuMs: number;
}

/** User + system CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return Number.NaN;
  }
}

async function load(pid: number, url: string, seconds: number, headers?: Record<string, string>) {
  const cpu0 = cpuSeconds(pid);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const requests = r.requests.average * seconds;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors + r.timeouts,
    cpuMs: ((cpuSeconds(pid) - cpu0) * 1000) / requests,
  };
}

/**
 * Route and raw floor in turns (route, raw, route, raw), half the duration each, so a load change
 * on a shared machine hits both alike. Requests/s and CPU are averaged, p50 too, p99 is the worse.
 */
async function compare(route: () => Promise<Figures>, raw: () => Promise<Figures>) {
  const runs = { route: [] as Figures[], raw: [] as Figures[] };
  for (let round = 0; round < 2; round += 1) {
    runs.route.push(await route());
    runs.raw.push(await raw());
  }
  const merge = (f: Figures[]): Figures => ({
    rps: (f[0]!.rps + f[1]!.rps) / 2,
    p50: (f[0]!.p50 + f[1]!.p50) / 2,
    p99: Math.max(f[0]!.p99, f[1]!.p99),
    bad: f[0]!.bad + f[1]!.bad,
    cpuMs: (f[0]!.cpuMs + f[1]!.cpuMs) / 2,
  });
  return { route: merge(runs.route), raw: merge(runs.raw) };
}

async function run(store: Store) {
  const p = spawn(
    process.execPath,
    [import.meta.filename, '--child', store, '--callees', String(callees)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve, reject) =>
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exit ${code}`)))),
  );
  const ready = await new Promise<Ready>((resolve, reject) => {
    let text = '';
    p.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const line = text.split('\n').find((l) => l.startsWith('READY '));
      if (line && text.includes('\n', text.indexOf('READY '))) resolve(JSON.parse(line.slice(6)));
    });
    exited.then(() => reject(new Error(`no READY from the ${store} child:\n${text}`)), reject);
  });
  try {
    for (const page of PAGES) {
      const half = duration / 2;
      const { route, raw } = await compare(
        () => load(p.pid!, ready.route[page], half, { authorization: `Token ${ready.token}` }),
        () => load(p.pid!, ready.raw[page], half),
      );
      const ratio = route.rps / raw.rps;
      const fmt = (r: typeof route) =>
        `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
        `CPU ${r.cpuMs.toFixed(2)} ms/req` +
        (r.bad ? `, ${r.bad} non-2xx/errors` : '');
      // The p99 target is PostgreSQL's: the embedded store answers from the server's one thread.
      const p99ok = store === 'pglite' || route.p99 < TARGET.p99Ms;
      console.log(
        `${store.padEnd(8)} ${page.padEnd(6)} route ${fmt(route)} (${ready.bytes[page]} bytes); ` +
          `raw ${fmt(raw)}; ratio ${ratio.toFixed(2)} (target >= ${TARGET.ratio}` +
          `${store === 'postgres' ? `, p99 < ${TARGET.p99Ms} ms` : ''}) ` +
          `${ratio >= TARGET.ratio && p99ok && !route.bad ? 'ok' : 'MISSED'}`,
      );
    }
  } finally {
    p.stdin!.end();
    await exited;
  }
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(
    `API load: ${CONNECTIONS} connections, ${duration} s per page and server (in two turns), task of ${callees} callees, ` +
      `page_size 20; route vs raw floor (the page's SQL on bare node:http, same store and data)`,
  );
  for (const store of stores) await run(store);
}

if (values.child) await child(values.child as Store);
else await main();
