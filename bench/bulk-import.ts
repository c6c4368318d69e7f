// Bulk import (issue 5, benchmark 1): create a task of N callees through the API (POST
// /service/cloud/task), against a raw multi-row INSERT of the same rows into the same store
// (statements of 1,000 rows each with parameters, inside one transaction), measured in the same
// run. Nothing dials: the runtime serves the API only and the task starts an hour ahead.
//
//   node bench/bulk-import.ts [--store pglite|postgres|both] [--callees N]
//
// Each store runs in a child process of its own (`--child <store>` prints one RESULT line), so no
// JIT or WASM state leaks between them. Target: api_seconds / raw_seconds <= 2.

import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import { formatDateTime } from '../src/shared/time.ts';
import type { Db } from '../src/store/db.ts';
import { type Store, childResult, openStore } from './bench-store.ts';

const TARGET_RATIO = 2;
const ROWS_PER_STATEMENT = 1_000;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    callees: { type: 'string', default: '100000' },
    child: { type: 'string' },
  },
});
const callees = Number(values.callees);

const numberOf = (i: number) => `+62812${String(1_000_000 + i).padStart(8, '0')}`;

/** The same rows the API writes: E.164 number, empty case_id, the callee object as data. */
async function rawInsert(db: Db, appId: number, robotId: number): Promise<number> {
  const taskId = newId();
  const start = new Date(Date.now() + 3_600_000);
  await db.query(
    `INSERT INTO tasks (id, app_id, task_name, robot_id, start_time, end_time, caller_number, total_count)
     VALUES ($1, $2, 'raw', $3, $4, $5, '+6281200000000', $6)`,
    [taskId, appId, robotId, start, new Date(start.getTime() + 86_400_000), callees],
  );
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    for (let i = 0; i < callees; i += ROWS_PER_STATEMENT) {
      const n = Math.min(ROWS_PER_STATEMENT, callees - i);
      const params: unknown[] = [];
      const rows: string[] = [];
      for (let j = 0; j < n; j++) {
        const seq = i + j;
        const number = numberOf(seq);
        const p = params.length;
        rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`);
        params.push(
          taskId,
          appId,
          seq,
          '',
          number,
          JSON.stringify({ callee_number: number, case_id: '' }),
          start,
        );
      }
      await tx.query(
        `INSERT INTO callees (task_id, app_id, seq, case_id, callee_number, data, next_attempt_at)
         VALUES ${rows.join(', ')}`,
        params,
      );
    }
  });
  return (performance.now() - t0) / 1000;
}

async function child(store: Store) {
  const { db, drop } = await openStore(store);
  const config = loadConfig(
    {},
    { port: 0, host: '127.0.0.1', demo: false, recordings: false, defaultTimezone: 'UTC' },
  );
  const runtime = await startTiller({
    config,
    api: true,
    worker: false,
    db,
    tts: new ToneTts(),
    log: createLogger({ level: 'error', logPii: false }),
  });
  const { appKey, appSecret } = await runtime.services.auth.createApp({
    name: 'bench',
    timezone: 'UTC',
  });
  const auth = await fetch(`${runtime.url}/service/cloud/auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ APPKey: appKey, APPSecret: appSecret }),
  });
  const token = ((await auth.json()) as { data: { token: string } }).data.token;

  // Raw first, for an app of its own (the API refuses numbers already queued in the same app): the
  // API run then writes into a table that already holds N rows, not the reverse.
  const other = await runtime.services.auth.createApp({ name: 'raw', timezone: 'UTC' });
  const rawSeconds = await rawInsert(db, other.app.id, 4496);

  const start = new Date(Date.now() + 3_600_000);
  const body = JSON.stringify({
    task_name: 'bench',
    robot_id: '4496',
    start_time: formatDateTime(start, 'UTC'),
    end_time: formatDateTime(new Date(start.getTime() + 86_400_000), 'UTC'),
    callees: Array.from({ length: callees }, (_, i) => ({ callee_number: numberOf(i) })),
  });
  const t0 = performance.now();
  const response = await fetch(`${runtime.url}/service/cloud/task`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` },
    body,
  });
  const answer = (await response.json()) as { code: number; data: { task_id?: string } };
  const apiSeconds = (performance.now() - t0) / 1000;
  if (answer.code !== 200 || !answer.data.task_id)
    throw new Error(`task create failed: ${JSON.stringify(answer)}`);
  const [n] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM callees WHERE task_id = $1',
    [answer.data.task_id],
  );
  await runtime.stop();
  await drop();
  console.log(
    `RESULT ${JSON.stringify({
      store,
      rows: Number(n!.n),
      apiSeconds,
      rawSeconds,
      bodyMB: Buffer.byteLength(body) / 1e6,
    })}`,
  );
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(
    `bulk import: ${callees} callees through POST /service/cloud/task vs raw INSERTs of ${ROWS_PER_STATEMENT} rows`,
  );
  for (const store of stores) {
    const r = await childResult(import.meta.filename, store, ['--callees', String(callees)]);
    const ratio = r.apiSeconds / r.rawSeconds;
    console.log(
      `${store.padEnd(8)} API ${r.rows} rows in ${r.apiSeconds.toFixed(2)} s ` +
        `(${(r.rows / r.apiSeconds).toFixed(0)} rows/s, body ${r.bodyMB.toFixed(1)} MB); ` +
        `raw ${callees} rows in ${r.rawSeconds.toFixed(2)} s (${(callees / r.rawSeconds).toFixed(0)} rows/s); ` +
        `ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'ok' : 'MISSED'}`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
