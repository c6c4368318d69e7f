// Chatbot turns (issue 11): people chat with a robot over WhatsApp through the whole path: the local Graph API server posts the
// person's message as a signed webhook to /webhooks/whatsapp/<channel_id>, Tiller stores it and
// answers 200, its worker hands it to the chatbot, the robot steps, the reply is queued, paced and
// sent through the Cloud API adapter back to the Graph server. Two runs on one server: `busy`
// chats whose people answer the instant the bot replied (the most turns per second), then
// `conversations` chats open at once whose people take a few seconds to type, as people do (the
// reply latency at that many open chats: the Graph server's receipt of the reply minus the moment
// the person's webhook left, p50 and p99). Baseline of the same run: the robot's bare turn rate (the step engine alone, no
// store, no network), printed with the ratio. Target: p99 < 100 ms at 200 conversations. The
// open-chats run is made `rounds` times on the same server with new people each time (a p99 of
// 1,000 replies moves by tens of ms from run to run on a small shared machine); the round with
// the median p99 is the figure, every round's p99 is printed.
//
//   npm run bench:chatbot -- [--store pglite|postgres|both] [--conversations 200] [--busy 50]
//                             [--turns 5] [--think-ms 5000] [--rounds 3]

import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { startConversation, stepConversation } from '../src/dialogue/conversation.ts';
import { KeywordNlu } from '../src/dialogue/nlu/keyword-nlu.ts';
import type { RobotDefinition } from '../src/dialogue/script/robot-script.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { builtinRobots } from '../src/modules/robots/builtin-robots.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { startFakeGraph } from '../test/fakes/whatsapp-cloud/fake-graph-server.ts';
import { PG_URL, type Store, childResult, openStore } from './bench-store.ts';

const TARGET_P99_MS = 100;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    conversations: { type: 'string', default: '200' },
    busy: { type: 'string', default: '50' },
    turns: { type: 'string', default: '5' },
    'think-ms': { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});
const conversations = Number(values.conversations);
const turns = Number(values.turns);
const busy = Number(values.busy);
const thinkMs = Number(values['think-ms']);
const rounds = Number(values.rounds);

/** A robot that keeps the chat going: one question, asked again after every answer. */
function loopRobot(): RobotDefinition {
  const base = builtinRobots().find((r) => r.robot_id === 4502)!.definition;
  const rest: Partial<RobotDefinition> = { ...base };
  delete rest.handoff;
  return {
    ...rest,
    name: 'Bench_Loop_Chat',
    start: 'loop',
    max_rounds: 100,
    nodes: {
      loop: {
        type: 'ask',
        say: 'Noted. Anything else about your order?',
        intents: { more: ['ok', 'yes', 'more', 'and another thing'], done: ['bye', 'that is all'] },
        next: { more: 'loop', done: 'done', no_match: 'loop' },
      },
      done: {
        type: 'end',
        say: 'Thank you, have a good day.',
        intention: 'B',
        description: 'Done',
      },
    },
  } as RobotDefinition;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The step engine alone: turns per second of the same robot, in memory. */
async function bareTurnRate(robot: RobotDefinition): Promise<number> {
  const nlu = new KeywordNlu();
  const n = 20_000;
  let { state } = startConversation({
    robot,
    vars: {},
    now: new Date(),
    timeZone: 'Asia/Jakarta',
    channel: 'chat',
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1) {
    // A fresh conversation every 50 turns keeps it under max_rounds.
    if (i % 50 === 0)
      ({ state } = startConversation({
        robot,
        vars: {},
        now: new Date(),
        timeZone: 'Asia/Jakarta',
        channel: 'chat',
      }));
    ({ state } = await stepConversation(robot, state, { kind: 'message', text: 'ok' }, { nlu }));
  }
  return n / ((performance.now() - t0) / 1000);
}

async function turnRate(store: Store) {
  const { db, drop } = await openStore(store);
  // Statement -> [total ms, count]; the time includes the wait for a pooled connection.
  const counts = new Map<string, [number, number]>();
  const count = (key: string, ms: number) => {
    const [total, n] = counts.get(key) ?? [0, 0];
    counts.set(key, [total + ms, n + 1]);
  };
  if (process.env.BENCH_COUNT_QUERIES) {
    const query = db.query.bind(db);
    db.query = ((sql: string, params?: unknown[]) => {
      const key = sql.replace(/\s+/g, ' ').slice(0, 90);
      const t = performance.now();
      return query(sql, params).finally(() => count(key, performance.now() - t));
    }) as typeof db.query;
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: (tx: typeof db) => Promise<unknown>) =>
      transaction((tx) => {
        const q = tx.query.bind(tx);
        tx.query = ((sql: string, params?: unknown[]) => {
          const key = 'tx: ' + sql.replace(/\s+/g, ' ').slice(0, 86);
          const t = performance.now();
          return q(sql, params).finally(() => count(key, performance.now() - t));
        }) as typeof tx.query;
        return fn(tx as typeof db);
      })) as typeof db.transaction;
  }
  const graph = await startFakeGraph({
    throughput: 1_000,
    record: false,
    webhook: { read: false },
  });
  const port = await freePort();
  const config = loadConfig(store === 'postgres' ? { DATABASE_URL: PG_URL } : {}, {
    port,
    host: '127.0.0.1',
    publicUrl: `http://127.0.0.1:${port}`,
    demo: false,
    recordings: false,
    // The default poll (1 s): everything on a chat's path is woken by NOTIFY, and a faster poll
    // would only add idle queries (the dialer's, the sender's search) to the figures.
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
  const { auth, messaging, robots } = runtime.services;
  const { app } = await auth.createApp({ name: 'bench', timezone: 'Asia/Jakarta' });
  const robot = loopRobot();
  const saved = await robots.save(app.id, robot);
  await messaging.createChannel(app.id, {
    channelId: '6580000001',
    kind: 'whatsapp',
    name: 'bench',
    phoneNumber: '+6580000001',
    defaultRobotId: String(saved.robot.id),
    sendsPerSecond: 1_000,
    config: {
      phoneNumberId: 'pn-bench',
      accessToken: graph.accessToken,
      appSecret: graph.appSecret,
      verifyToken: 'bench',
      graphUrl: graph.url,
    },
  });
  await graph.subscribe(`${runtime.url}/webhooks/whatsapp/6580000001`, 'bench', ['pn-bench']);

  const person = (i: number) => `+62811${String(i).padStart(7, '0')}`;
  // Receipt times of what the Graph server accepted, per person, and who waits for the next one.
  const receipts = new Map<string, number[]>();
  const waiting = new Map<string, () => void>();
  graph.onAccepted((send) => {
    const list = receipts.get(send.to) ?? [];
    list.push(send.at);
    receipts.set(send.to, list);
    waiting.get(send.to)?.();
  });
  /** The n-th message the Graph server accepted for a person: its receipt time. */
  const nth = async (to: string, n: number) => {
    const key = to.replace(/^\+/, '');
    for (;;) {
      const at = receipts.get(key)?.[n - 1];
      if (at !== undefined) return at;
      await new Promise<void>((resolve) => waiting.set(key, resolve));
    }
  };
  /**
   * One person's chat: a greeting, then `turns` answers, each `think` ms after the bot's reply
   * (0: at once); every reply's latency goes into `latencies`.
   */
  const chat = async (i: number, think: (t: number) => number, latencies: number[]) => {
    const to = person(i);
    // The first message opens the session: the robot greets (one reply).
    const start = think(0);
    if (start > 0) await new Promise((r) => setTimeout(r, start));
    await graph.userSends('pn-bench', to, 'hello');
    await nth(to, 1);
    for (let t = 1; t <= turns; t += 1) {
      const pause = think(t);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      const sentAt = Date.now();
      await graph.userSends('pn-bench', to, 'ok');
      const repliedAt = await nth(to, t + 1);
      latencies.push(repliedAt - sentAt);
    }
  };
  // Busy: people who answer the instant the bot replies, to find the most turns per second.
  const busyLatencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: busy }, (_, i) => chat(i, () => 0, busyLatencies)));
  const seconds = (performance.now() - t0) / 1000;
  // People: `conversations` chats open at once, each person taking a few seconds to type
  // (thinkMs, spread evenly from half to one and a half times it, so they do not write in step).
  const spread = (i: number, t: number) =>
    thinkMs * (0.5 + ((i * 7919 + t * 104729) % 1000) / 1000);
  const roundsRun: Array<{ p50: number; p99: number; max: number; replies: number; busy: number }> =
    [];
  for (let round = 0; round < rounds; round++) {
    const latencies: number[] = [];
    const elu0 = performance.eventLoopUtilization();
    const first = busy + round * conversations;
    await Promise.all(
      Array.from({ length: conversations }, (_, i) =>
        chat(first + i, (t) => spread(i, t), latencies),
      ),
    );
    latencies.sort((a, b) => a - b);
    roundsRun.push({
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      replies: latencies.length,
      // The process runs Tiller, the fake Graph server and the people: how busy its thread was.
      busy: performance.eventLoopUtilization(elu0).utilization,
    });
  }
  await runtime.stop();
  await graph.close();
  await drop();
  if (process.env.BENCH_COUNT_QUERIES)
    for (const [sql, [ms, n]] of [...counts].sort((a, b) => b[1][0] - a[1][0]).slice(0, 40))
      console.error(ms.toFixed(0).padStart(7), 'ms', String(n).padStart(6), 'x', sql);
  busyLatencies.sort((a, b) => a - b);
  const median = [...roundsRun].sort((a, b) => a.p99 - b.p99)[Math.floor(roundsRun.length / 2)]!;
  return {
    turns: busyLatencies.length,
    seconds,
    busyP50: percentile(busyLatencies, 50),
    busyP99: percentile(busyLatencies, 99),
    ...median,
    roundP99s: roundsRun.map((r) => r.p99),
    bare: await bareTurnRate(robot),
  };
}

async function child(store: Store) {
  const run = await turnRate(store);
  console.log(`RESULT ${JSON.stringify({ store, run })}`);
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(
    `chatbot turns over WhatsApp, webhook in to reply out, ${turns} turns per chat after the greeting: ` +
      `${busy} busy chats (answering at once), then ${conversations} chats open at once with people typing ~${thinkMs / 1000} s`,
  );
  for (const store of stores) {
    const r = await childResult(import.meta.filename, store, [
      '--conversations',
      String(conversations),
      '--turns',
      String(turns),
      '--busy',
      String(busy),
      '--think-ms',
      String(thinkMs),
    ]);
    const rate = r.run.turns / r.run.seconds;
    console.log(
      `${store.padEnd(8)} busy: ${r.run.turns} turns in ${r.run.seconds.toFixed(1)} s: ${rate.toFixed(0)} turns/s ` +
        `(latency p50 ${r.run.busyP50} ms, p99 ${r.run.busyP99} ms); bare engine ${r.run.bare.toFixed(0)} turns/s (ratio ${(rate / r.run.bare).toFixed(3)})`,
    );
    console.log(
      `         ${conversations} chats (median of ${r.run.roundP99s.length} rounds): ${r.run.replies} replies, latency p50 ${r.run.p50} ms, ` +
        `p99 ${r.run.p99} ms (target < ${TARGET_P99_MS}), max ${r.run.max} ms; every round's p99: ${r.run.roundP99s.join(', ')} ms`,
    );
    console.log(
      `         the process (Tiller, the fake Graph server, the people) was busy ${(100 * r.run.busy).toFixed(0)} % of that round`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
