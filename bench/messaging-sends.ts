// Template sends (issue 11): N template messages queued for 20 WhatsApp sender numbers, sent by a
// worker-only runtime through the Cloud API adapter to the local Graph API server (in a process
// of its own, so it does not share the worker's event loop), until the server has accepted every
// one. Reports sends/s against the pace the provider allows those numbers (20 x 80/s, Meta's
// default throughput per number: the fake answers 130429 above it), which is the baseline of the
// same run: the ratio says how close Tiller gets to the provider's limit, not to its own overhead.
// The queue's raw claim rate on the same store is printed as well, as in the other benchmarks.
//
//   npm run bench:messaging -- [--store pglite|postgres|both] [--sends N] [--numbers 20] [--rate 80]
//
// Each store runs in a child process of its own (`--child <store>` prints one RESULT line).
// Target: >= 1,000 sends/s on PostgreSQL from 20 numbers.

import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { startFakeGraphProcess } from '../test/fakes/whatsapp-cloud/fake-graph-process.ts';
import { PG_URL, type Store, childResult, openStore, rawClaimRate } from './bench-store.ts';

const TARGET = { postgres: 1_000 } as const;
const ALWAYS_OPEN = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }];

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    sends: { type: 'string' },
    numbers: { type: 'string', default: '20' },
    rate: { type: 'string', default: '80' },
    jobs: { type: 'string', default: '20000' },
    child: { type: 'string' },
  },
});
const numbers = Number(values.numbers);
const rate = Number(values.rate);
const jobs = Number(values.jobs);
/** Default: about 12 s of the provider's pace on PostgreSQL, 5 s on PGlite. */
const sendsFor = (store: Store) =>
  values.sends ? Number(values.sends) : store === 'postgres' ? 20_000 : 8_000;

async function sendRate(store: Store, sends: number) {
  const { db, drop } = await openStore(store);
  const graph = await startFakeGraphProcess({ throughput: rate, record: false });
  const config = loadConfig(store === 'postgres' ? { DATABASE_URL: PG_URL } : {}, {
    port: 0,
    host: '127.0.0.1',
    demo: false,
    recordings: false,
    pollIntervalMs: 50,
    defaultCallingWindows: ALWAYS_OPEN,
  });
  const options = {
    config,
    api: false,
    db,
    log: createLogger({ level: 'error', logPii: false }),
    tts: new ToneTts(),
  };
  // A runtime without workers migrates, makes the app, its channels and templates, and queues
  // the sends (each through the compliance check at its claim, as in production).
  const setup = await startTiller({ ...options, worker: false });
  const { auth, messaging } = setup.services;
  const { app } = await auth.createApp({ name: 'bench', timezone: 'Asia/Jakarta' });
  const perNumber = Math.ceil(sends / numbers);
  for (let n = 0; n < numbers; n += 1) {
    const channelId = `65800000${String(n).padStart(2, '0')}`;
    await messaging.createChannel(app.id, {
      channelId,
      kind: 'whatsapp',
      name: `bench ${n}`,
      phoneNumber: `+${channelId}`,
      config: {
        phoneNumberId: `pn${n}`,
        accessToken: graph.accessToken,
        appSecret: graph.appSecret,
        verifyToken: 'bench',
        graphUrl: graph.url,
      },
    });
    const template = await messaging.createTemplate(app.id, channelId, {
      name: 'bench_notice',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      content: { body: 'Hi {{1}}, your order {{2}} has shipped.' },
    });
    await graph.registerTemplate({
      name: 'bench_notice',
      language: 'en',
      category: 'UTILITY',
      body: 2,
    });
    for (let from = 0; from < perNumber; from += 5_000) {
      const count = Math.min(5_000, perNumber - from);
      await messaging.sendTemplates(app.id, {
        channelId,
        templateId: template.id,
        users: Array.from({ length: count }, (_, k) => ({
          id: `628${String(n).padStart(2, '0')}${String(from + k).padStart(8, '0')}`,
          variables: { '1': 'Budi', '2': `#${from + k}` },
        })),
      });
    }
  }
  await setup.stop();
  const total = perNumber * numbers;
  const before = (await graph.counters()).accepted;

  const t0 = performance.now();
  const runtime = await startTiller({ ...options, worker: true });
  let accepted = 0;
  while (accepted < total) {
    await new Promise((r) => setTimeout(r, 50));
    accepted = (await graph.counters()).accepted - before;
  }
  const seconds = (performance.now() - t0) / 1000;
  const counters = await graph.counters();
  await runtime.stop();
  await graph.close();
  await drop();
  return { sends: total, seconds, throttled: counters.rejected['130429'] ?? 0 };
}

async function child(store: Store) {
  const raw = await rawClaimRate(store, jobs);
  const run = await sendRate(store, sendsFor(store));
  console.log(`RESULT ${JSON.stringify({ store, raw, run })}`);
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  const allowed = numbers * rate;
  console.log(
    `template sends: ${numbers} WhatsApp numbers at ${rate}/s each (the provider allows ${allowed}/s), Cloud API adapter to the local Graph server`,
  );
  for (const store of stores) {
    const r = await childResult(import.meta.filename, store, [
      '--numbers',
      String(numbers),
      '--rate',
      String(rate),
      '--jobs',
      String(jobs),
      ...(values.sends ? ['--sends', values.sends] : []),
    ]);
    const perSecond = r.run.sends / r.run.seconds;
    const target = store === 'postgres' ? ` (target ${TARGET.postgres})` : ' (no target)';
    console.log(
      `${store.padEnd(8)} ${r.run.sends} sends in ${r.run.seconds.toFixed(1)} s: ${perSecond.toFixed(0)} sends/s${target}; ` +
        `ratio to the provider's pace ${(perSecond / allowed).toFixed(2)}; throttled answers (130429) ${r.run.throttled}; ` +
        `raw claims ${r.raw.toFixed(0)} jobs/s`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
