import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openDb } from '../../src/store/open-db.ts';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { waitFor } from '../helpers/server.ts';

// `tiller jobs` as an operator runs it, while `tiller serve` runs: on the embedded store through
// the server's admin API, on PostgreSQL on the database itself. A parked job is listed, and a
// retry hands it back to the server's job runner, which runs it.

const { env, tiller, cleanup } = cliHarness('jobs-cli');

describe(`tiller jobs (${storeKind})`, () => {
  let server: Awaited<ReturnType<typeof serveTiller>> | undefined;
  let parkedId = 0;

  before(async () => {
    // A job parked by an earlier run: a task.end whose task is gone, out of attempts.
    const db = await openDb(loadConfig(env));
    try {
      await migrate(db);
      const [row] = await db.query<{ id: number }>(
        `INSERT INTO jobs (queue, payload, attempts, max_attempts, failed_at, last_error)
         VALUES ('task.end', '{"task_id": "t-gone"}', 10, 10, now(), 'connection terminated')
         RETURNING id`,
      );
      parkedId = row!.id;
    } finally {
      await db.close();
    }
    server = await serveTiller(env, { TILLER_DEMO: 'false' });
  });
  after(async () => {
    await server?.stop();
    await cleanup();
  });

  it('lists the parked job with its error', () => {
    const out = tiller('jobs', 'failed', '--json');
    assert.equal(out.status, 0, out.stderr);
    const jobs = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      jobs.map((j) => [j.id, j.queue, j.payload, j.attempts, j.last_error]),
      [[parkedId, 'task.end', { task_id: 't-gone' }, 10, 'connection terminated']],
    );
  });

  it('refuses a retry without ids or --all, and reports an id that is not parked', () => {
    const bare = tiller('jobs', 'retry');
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /jobs retry needs either job IDs or --all/);
    const unknown = tiller('jobs', 'retry', '987654');
    assert.equal(unknown.status, 1, unknown.stderr);
    assert.match(unknown.stderr, /job 987654 is not a parked job/);
  });

  it('retries the parked job: the server runs it and nothing is left parked', async () => {
    const out = tiller('jobs', 'retry', String(parkedId));
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim(), `retrying job ${parkedId}`);
    await waitFor('the retried job to run', () =>
      tiller('jobs', 'failed').stdout.trim() === 'no parked job' ? true : undefined,
    );
    // Nothing parked again: it ran and completed (its task is gone, so it had nothing to do).
    assert.equal(tiller('jobs', 'retry', '--all').stdout.trim(), 'no parked job');
  });
});
