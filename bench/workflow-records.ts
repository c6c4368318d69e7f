// Workflow records per second (issue 12): records through a five-node graph (call, branch, WABA
// template, wait, API push) with zero talk and wait time, on one server with its workers. The
// callees' numbers fail at once (invalid: no talk), the branch sends them to the template, the
// simulated WhatsApp person is unreachable (the provider takes the send and reports it failed at
// once; the template node's 24 h timeout, 144 ms on this clock, may move a record first), the wait
// is one minute on a business clock running 600,000 times faster, and the push goes to a local
// receiver that answers 200 at once. The figure: records from createinstance to the
// workflow's Finished (auto_finish 1), per second. Baseline of the same run: the raw job-claim
// rate (no-op jobs through the queue the engine uses), printed with the ratio. Target: at least
// 500 records/s on PostgreSQL. The pushes' delivery to the receiver (the webhook outbox's work,
// after the commit that recorded them) is timed apart and printed after the figure.
//
//   npm run bench:workflow -- [--store pglite|postgres|both] [--records 2000]
//   BENCH_TRACE=1 npm run bench:workflow ...   also prints, every 20 ms, where the records are,
//                                              the queues' jobs and the calls' states

import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import type { WorkflowGraph } from '../src/modules/workflows/graph.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { PG_URL, type Store, childResult, openStore, rawClaimRate } from './bench-store.ts';

const TARGET_RECORDS_PER_S = 500;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    records: { type: 'string', default: '2000' },
    child: { type: 'string' },
  },
});
const records = Number(values.records);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function recordRate(store: Store) {
  const { db, drop } = await openStore(store);
  let pushes = 0;
  const receiver = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      pushes += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`;
  const port = await freePort();
  const started = new Date('2026-06-01T02:00:00Z');
  const config = loadConfig(store === 'postgres' ? { DATABASE_URL: PG_URL } : {}, {
    port,
    host: '127.0.0.1',
    publicUrl: `http://127.0.0.1:${port}`,
    demo: false,
    recordings: false,
    simulatedStart: started,
    timeScale: 600_000,
    // As the dial-engine bench: no concurrency cap, so the figure is the engine's, not a cap's.
    appConcurrency: 100_000,
    taskConcurrency: 100_000,
    pollIntervalMs: 50,
    defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
  });
  const runtime = await startTiller({
    config,
    api: true,
    worker: true,
    db,
    log: createLogger({ level: 'error', logPii: false }),
    tts: new ToneTts(),
  });
  const { auth, messaging, workflows } = runtime.services;
  const created = await auth.createApp({ name: 'bench', timezone: 'UTC' });
  const appId = created.app.id;
  await messaging.createChannel(appId, {
    channelId: '6580000001',
    kind: 'simulated',
    name: 'bench',
    phoneNumber: '+6580000001',
    sendsPerSecond: 1_000,
    config: {},
  });
  const template = await messaging.createTemplate(appId, '6580000001', {
    name: 'bench_reminder',
    language: 'en',
    category: 'UTILITY',
    status: 'APPROVED',
    content: { body: 'Hi, your payment is due.' },
  });
  const graph: WorkflowGraph = {
    name: 'bench_five_nodes',
    nodes: [
      { id: 'start', type: 'start', next: 'call1' },
      { id: 'call1', type: 'call', robot_id: '4496', next: 'reached' },
      {
        id: 'reached',
        type: 'branch',
        rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'waba1' }],
        default: 'api1',
      },
      {
        id: 'waba1',
        type: 'waba',
        channel_id: '6580000001',
        template_id: template.id,
        next: 'wait1',
      },
      { id: 'wait1', type: 'wait', minutes: 1, next: 'api1' },
      { id: 'api1', type: 'api', url: receiverUrl, next: 'end' },
      { id: 'end', type: 'end' },
    ],
  };
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
     VALUES ($1, $2, 1, $3, $4) RETURNING id`,
    [appId, graph.name, graph, started],
  );
  // Invalid numbers (last digit 7): the call fails at once, and the same digit makes the
  // simulated WhatsApp person unreachable, so the template is reported failed at once too.
  const details = Array.from({ length: records }, (_, i) => ({
    callee: `+62812${String(i).padStart(7, '0')}7`,
    case_id: `case-${i}`,
  }));
  const caller = { appId, timezone: 'UTC' } as Parameters<typeof workflows.create>[0];
  const t0 = performance.now();
  const { workflow_id } = await workflows.create(caller, {
    workflow_template_id: Number(row!.id),
    name: 'bench',
    auto_finish: 1,
    end_time: '2099-01-01 00:00:00',
    details,
  });
  for (;;) {
    if (process.env.BENCH_TRACE) {
      const rows = await db.query<{ node: string; state: string; n: number }>(
        `SELECT node, state, count(*)::int AS n FROM workflow_records WHERE workflow_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [workflow_id],
      );
      const jobs = await db.query<{ queue: string; n: number }>(
        `SELECT queue, count(*)::int AS n FROM jobs WHERE failed_at IS NULL GROUP BY 1`,
      );
      const calls = await db.query<{ status: string; n: number }>(
        `SELECT state AS status, count(*)::int AS n FROM calls GROUP BY 1`,
      );
      console.error(
        ((performance.now() - t0) / 1000).toFixed(2),
        rows.map((r) => `${r.node}/${r.state}:${r.n}`).join(' '),
        '| jobs',
        jobs.map((r) => `${r.queue}:${r.n}`).join(' '),
        '| calls',
        calls.map((r) => `${r.status}:${r.n}`).join(' '),
      );
    }
    const [w] = await db.query<{ status: string }>(`SELECT status FROM workflows WHERE id = $1`, [
      workflow_id,
    ]);
    if (w?.status !== 'Running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  // The pushes are the outbox's to deliver (at least once, after the commit that recorded them):
  // the record's walk ends when its push is recorded. Their delivery is timed apart.
  const pushDeadline = performance.now() + 60_000;
  while (pushes < records && performance.now() < pushDeadline)
    await new Promise((r) => setTimeout(r, 20));
  const pushSeconds = (performance.now() - t0) / 1000;
  const [check] = await db.query<{ done: number; steps: number }>(
    `SELECT (SELECT count(*)::int FROM workflow_records WHERE workflow_id = $1 AND state = 'done') AS done,
            (SELECT count(*)::int FROM workflow_steps WHERE workflow_id = $1) AS steps`,
    [workflow_id],
  );
  await runtime.stop();
  receiver.close();
  await drop();
  return {
    seconds,
    rate: records / seconds,
    done: check!.done,
    steps: check!.steps,
    pushes,
    pushSeconds,
  };
}

async function child(store: Store) {
  const r = await recordRate(store);
  const baseline = await rawClaimRate(store, 20_000);
  console.log(`RESULT ${JSON.stringify({ ...r, baseline })}`);
  process.exit(0);
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(`workflow records: ${records} records through call, branch, WABA, wait, API push`);
  for (const store of stores) {
    const r = await childResult(import.meta.filename, store, ['--records', String(records)]);
    const target = store === 'postgres' ? ` (target >= ${TARGET_RECORDS_PER_S})` : '';
    console.log(
      `${store}: ${r.rate.toFixed(0)} records/s${target}; ${r.done}/${records} done, ` +
        `${r.steps} steps in ${r.seconds.toFixed(1)} s; raw job claims ${r.baseline.toFixed(0)}/s, ` +
        `ratio ${(r.rate / r.baseline).toFixed(3)}; ${r.pushes}/${records} pushes delivered ` +
        `${r.pushSeconds.toFixed(1)} s after the start`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
