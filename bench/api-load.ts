// API load (issue 5, benchmark 4): authenticated task detail and task list at 50 connections
// (autocannon), against a bare fastify route returning the same bytes with the same content type.
//
//   node bench/api-load.ts [--store pglite|postgres|both] [--callees N] [--duration S]
//
// Each store runs in a child process of its own (`--child <store>`): it runs a task of N callees
// to the end on the simulated carrier (zero talk time), stops the worker, starts the API alone on
// the same store, captures the two responses and serves them again from a bare fastify in the same
// process, then prints one READY line and waits. The parent runs autocannon against both servers
// (so the load generator does not share the servers' event loop), then closes the child's stdin;
// the child stops and drops its store. Targets: >= 0.5 of the bare route's requests/s, p99 < 20 ms.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { SimulatedCarrier } from '../src/channels/telephony/simulated/simulated-carrier.ts';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { openStore, type Store } from './bench-store.ts';

const TARGET = { ratio: 0.5, p99Ms: 20 };
const CONNECTIONS = 50;

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
  real: { detail: string; list: string };
  bare: { detail: string; list: string };
  bytes: { detail: number; list: number };
}

async function child(store: Store) {
  const { db, drop } = await openStore(store);
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      demo: false,
      recordings: false,
      timeScale: 1_000_000, // zero talk time
      appConcurrency: 100_000,
      taskConcurrency: 100_000,
      pollIntervalMs: 50,
      defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    },
  );
  const log = createLogger({ level: 'error', logPii: false });
  const carrier = new SimulatedCarrier({ timeScale: config.timeScale });
  const worker = await startTiller({
    config,
    api: false,
    worker: true,
    db,
    carrier,
    tts: new ToneTts(),
    log,
  });
  const { auth, tasks } = worker.services;
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
    const [row] = await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [
      task_id,
    ]);
    if (row!.status === 'Finished') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Only the API under load: the worker's polling would tax both servers alike, but it is noise.
  await worker.stop();
  const runtime = await startTiller({
    config,
    api: true,
    worker: false,
    db,
    carrier,
    tts: new ToneTts(),
    log,
  });
  const token = await runtime.services.auth.issueToken(app.appKey, app.appSecret);
  const real = {
    detail: `${runtime.url}/service/cloud/detail?task_id=${encodeURIComponent(task_id)}&page_size=20`,
    list: `${runtime.url}/service/cloud/list?page_size=20`,
  };
  const captured: Record<string, { type: string; body: Buffer }> = {};
  for (const [name, url] of Object.entries(real)) {
    const res = await fetch(url, { headers: { authorization: `Token ${token}` } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${body.toString()}`);
    captured[name] = { type: res.headers.get('content-type') ?? 'application/json', body };
  }
  const bare = Fastify({ logger: false });
  for (const name of ['detail', 'list']) {
    const { type, body } = captured[name]!;
    bare.get(`/${name}`, (_request, reply) => reply.header('content-type', type).send(body));
  }
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
  const ready: Ready = {
    store,
    token,
    real,
    bare: { detail: `${bareUrl}/detail`, list: `${bareUrl}/list` },
    bytes: { detail: captured.detail!.body.length, list: captured.list!.body.length },
  };
  console.log(`READY ${JSON.stringify(ready)}`);
  // The parent closes stdin when its load runs are done.
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.on('end', resolve));
  await bare.close();
  await runtime.stop();
  await drop();
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

async function load(url: string, headers?: Record<string, string>) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration, headers });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors + r.timeouts,
  };
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
    for (const name of ['detail', 'list'] as const) {
      const real = await load(ready.real[name], { authorization: `Token ${ready.token}` });
      const bare = await load(ready.bare[name]);
      const ratio = real.rps / bare.rps;
      const fmt = (r: typeof real) =>
        `${r.rps.toFixed(0).padStart(6)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms` +
        (r.bad ? `, ${r.bad} non-2xx/errors` : '');
      console.log(`${store.padEnd(8)} ${name.padEnd(6)} (${ready.bytes[name]} bytes)`);
      console.log(`         real: ${fmt(real)}`);
      console.log(`         bare: ${fmt(bare)}`);
      console.log(
        `         ratio ${ratio.toFixed(2)} (target >= ${TARGET.ratio}), real p99 ${real.p99} ms ` +
          `(target < ${TARGET.p99Ms}): ${ratio >= TARGET.ratio && real.p99 < TARGET.p99Ms ? 'met' : 'NOT met'}`,
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
    `API load: ${CONNECTIONS} connections, ${duration} s per run, task of ${callees} callees, page_size 20`,
  );
  for (const store of stores) await run(store);
}

if (values.child) await child(values.child as Store);
else await main();
