import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeGraph, FakeGraphCounters, FakeGraphOptions } from './fake-graph-api.ts';
import { startFakeGraph } from './fake-graph-server.ts';

// The local Graph server in a child process of its own, for benchmarks: on a small machine the
// fake then takes its own core instead of competing with the code under measurement. The same
// API as startFakeGraph(), every call answered over the IPC channel (so every one is async).

type Call = { id: number; method: string; args: unknown[] };
type Answer = { id: number; result?: unknown; error?: string };

/** FakeGraph with every member async: `counters()` is a call, not a property. */
export type RemoteFakeGraph = {
  readonly url: string;
  readonly accessToken: string;
  readonly appSecret: string;
  counters(): Promise<FakeGraphCounters>;
} & {
  [
    K in Exclude<keyof FakeGraph, 'url' | 'accessToken' | 'appSecret' | 'counters' | 'onAccepted'>
  ]: FakeGraph[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

const METHODS = [
  'subscribe',
  'registerTemplate',
  'setThroughput',
  'setWebhookBehaviour',
  'addNotOnWhatsApp',
  'failNext',
  'userSends',
  'userOptsOut',
  'received',
  'sent',
  'reads',
  'idle',
] as const;

/** Starts the fake in a child process (options must be plain JSON: no `now` clock). */
export async function startFakeGraphProcess(
  options: Omit<FakeGraphOptions, 'now'> = {},
): Promise<RemoteFakeGraph> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--fake-graph-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on('message', (m: Answer) => {
    const waiter = pending.get(m.id);
    if (!waiter) return;
    pending.delete(m.id);
    if (m.error !== undefined) waiter.reject(new Error(m.error));
    else waiter.resolve(m.result);
  });
  child.on('exit', () => {
    for (const [, w] of pending) w.reject(new Error('the fake Graph process exited'));
    pending.clear();
  });
  const call = (method: string, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, method, args } satisfies Call);
    });
  const started = (await call('start', options)) as {
    url: string;
    accessToken: string;
    appSecret: string;
  };
  const remote: Record<string, unknown> = {
    ...started,
    counters: () => call('counters'),
    async close() {
      await call('close');
      child.disconnect();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
  for (const method of METHODS) remote[method] = (...args: unknown[]) => call(method, ...args);
  return remote as RemoteFakeGraph;
}

/** The child: one fake, driven by the parent's calls. */
async function serve(): Promise<void> {
  let graph: FakeGraph | undefined;
  process.on('message', (m: Call) => {
    const answer = (a: Omit<Answer, 'id'>) => process.send?.({ id: m.id, ...a });
    (async () => {
      if (m.method === 'start') {
        graph = await startFakeGraph(m.args[0] as FakeGraphOptions);
        return { url: graph.url, accessToken: graph.accessToken, appSecret: graph.appSecret };
      }
      if (!graph) throw new Error('not started');
      if (m.method === 'counters') return graph.counters;
      const fn = (graph as unknown as Record<string, (...a: unknown[]) => unknown>)[m.method];
      if (typeof fn !== 'function') throw new Error(`no method ${m.method}`);
      return fn(...m.args);
    })().then(
      (result) => answer({ result: result ?? null }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    void (graph ? graph.close() : Promise.resolve()).finally(() => process.exit(0));
  });
}

if (process.argv.includes('--fake-graph-child')) void serve();
