import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { openStore, type Store } from './bench-store.ts';
import { detailPage } from '../src/modules/tasks/detail-page.repository.ts';
import { dialledCallees, findTask, listTasks } from '../src/modules/tasks/tasks.repository.ts';
import { finalCallsOf } from '../src/modules/tasks/calls.repository.ts';
import { findRecordings } from '../src/modules/recordings/recordings.repository.ts';
const store = process.argv[2] as Store;
const { db, drop } = await openStore(store);
const config = loadConfig({}, { port: 0, host: '127.0.0.1', demo: false, timeScale: 1_000_000, appConcurrency: 100000, taskConcurrency: 100000, pollIntervalMs: 50, defaultCallingWindows: [{ days: [1,2,3,4,5,6,7], start: '00:00', end: '24:00' }] });
const rt = await startTiller({ config, api: false, worker: true, db, tts: new ToneTts(), log: createLogger({ level: 'error', logPii: false }) });
const app = await rt.services.auth.createApp({ name: 'b' });
const { task_id } = await rt.services.tasks.create({ appId: app.app.id, timezone: 'UTC' }, { task_name: 'b', robot_id: '4496', redial_times: 1, callees: Array.from({ length: 100 }, (_, i) => ({ callee_number: `+62812${String(1_000_000 + i).padStart(8, '0')}` })) });
for (;;) { const [r] = await db.query<{ status: string }>('SELECT status FROM tasks WHERE id=$1', [task_id]); if (r!.status === 'Finished') break; await new Promise((r) => setTimeout(r, 50)); }
await rt.stop();
const N = 300;
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  console.log(name, ((performance.now() - t0) / N).toFixed(3), 'ms');
}
await time('old detail', async () => {
  await findTask(db, app.app.id, task_id);
  const { rows } = await dialledCallees(db, task_id, 0, 20);
  const calls = await finalCallsOf(db, rows.map((r) => r.id));
  await findRecordings(db, calls.map((c) => c.id));
});
await time('new detail', () => detailPage(db, app.app.id, task_id, 0, 20));
await time('list', () => listTasks(db, app.app.id, { offset: 0, limit: 20 }));
await time('select 1', () => db.query('SELECT 1'));
const p = await detailPage(db, app.app.id, task_id, 0, 20);
console.log(p!.total, p!.records.length, p!.records.filter(r=>r.recorded).length, JSON.stringify(p).length);
const { DETAIL_PAGE_SQL } = await import('../src/modules/tasks/detail-page.repository.ts') as any;
const plan = await db.query<any>('EXPLAIN (ANALYZE, BUFFERS) ' + DETAIL_PAGE_SQL, [task_id, app.app.id, 20, 0]);
console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
await drop();
