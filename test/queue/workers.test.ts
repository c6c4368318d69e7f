import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import { processKey, WorkerRegistry } from '../../src/queue/workers.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

/** The pid of a process that has ended (the kernel reuses pids only much later). */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe(`worker registry (${storeKind})`, () => {
  let store: TestStore;
  const key = processKey();
  before(async () => {
    store = await openTestStore();
  });
  after(() => store.close());
  beforeEach(() => store.db.query('DELETE FROM workers'));

  const addWorker = (id: string, pid: number) =>
    store.db.query('INSERT INTO workers (id, process_key, pid) VALUES ($1, $2, $3)', [
      id,
      key,
      pid,
    ]);

  it(
    'takes over at once from a worker of this machine whose process is gone, heartbeat fresh or not',
    { skip: key === undefined ? 'no /proc here: only the heartbeat tells' : false },
    async () => {
      await addWorker('crashed', await endedPid());
      await addWorker('parent', process.ppid);
      const live = new WorkerRegistry(store.db);
      let reclaims = 0;
      live.addReclaimer(async () => void (reclaims += 1));
      await store.db.query('INSERT INTO workers (id) VALUES ($1)', [live.id]);
      assert.deepEqual(await live.reap(30_000), ['crashed']);
      assert.equal(reclaims, 1);
      const left = await store.db.query<{ id: string }>('SELECT id FROM workers ORDER BY id');
      assert.deepEqual(
        left.map((w) => w.id).sort(),
        [live.id, 'parent'].sort(),
        'a worker whose process runs stays, however recent its beat',
      );
    },
  );

  it('leaves a worker of another machine or namespace to the heartbeat timeout', async () => {
    await store.db.query('INSERT INTO workers (id, process_key, pid) VALUES ($1, $2, $3)', [
      'elsewhere',
      'another-boot/pid:[1]',
      await endedPid(),
    ]);
    const live = new WorkerRegistry(store.db);
    await store.db.query('INSERT INTO workers (id) VALUES ($1)', [live.id]);
    assert.deepEqual(await live.reap(30_000), []);
    assert.deepEqual(await live.reap(0), ['elsewhere']);
  });
});
