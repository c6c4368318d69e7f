import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/store/db.ts';
import { openPostgres } from '../../src/store/drivers/postgres.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { capturedLog } from '../helpers/log-capture.ts';
import { waitFor } from '../helpers/server.ts';

/**
 * A TCP relay to the PostgreSQL server that can go down (its connections cut, new ones refused)
 * and come back on the same port, as a server restart looks from the client.
 */
async function relayTo(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = async () => {
    await new Promise((resolve) => {
      server!.close(resolve);
      for (const s of sockets) s.destroy();
    });
  };
  await up();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), up, down };
}

// The PostgreSQL driver reports the trouble no query sees: idle pool connections the server
// drops, and the LISTEN connection lost, retried with backoff, and back. The server ends the
// connections here (pg_terminate_backend), as a restart or a failover would.

describe('PostgreSQL connection trouble is logged', { skip: !testDatabaseUrl }, () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const { log, has } = capturedLog('info');
  let db: Db;
  let admin: pg.Client;

  before(async () => {
    db = await openPostgres(testDatabaseUrl, schema, 2, { log, backoffMs: 20, maxBackoffMs: 200 });
    admin = new pg.Client(testDatabaseUrl);
    await admin.connect();
  });
  after(async () => {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
    await admin.end();
  });

  it('logs an idle pool connection the server ended', async () => {
    const [{ pid }] = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [
      { pid: number },
    ];
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const [line] = await waitFor('the dropped connection to be logged', () => {
      const lines = has('PostgreSQL dropped idle pool connections');
      return lines.length > 0 ? lines : undefined;
    });
    assert.equal(line!.dropped, 1);
    assert.equal(
      (await db.query<{ one: number }>('SELECT 1 AS one'))[0]!.one,
      1,
      'the pool recovers',
    );
  });

  it('logs the LISTEN connection lost, each failed reconnect with its backoff, and its return', async () => {
    const relay = await relayTo(new URL(testDatabaseUrl));
    const watched = capturedLog('info');
    const viaRelay = await openPostgres(relay.url, schema, 1, {
      log: watched.log,
      backoffMs: 20,
      maxBackoffMs: 200,
    });
    try {
      const channel = `chan_${randomBytes(4).toString('hex')}`;
      const heard: string[] = [];
      await viaRelay.listen(channel, (payload) => heard.push(payload));
      await relay.down();
      const failed = await waitFor('two failed reconnects to be logged', () => {
        const lines = watched.has('could not reopen the PostgreSQL LISTEN connection');
        return lines.length >= 2 ? lines : undefined;
      });
      assert.equal(watched.has('the PostgreSQL LISTEN connection was lost').length, 1);
      assert.deepEqual(
        failed.slice(0, 2).map((l) => [l.attempt, l.retryInMs]),
        [
          [1, 40],
          [2, 80],
        ],
        'the wait doubles',
      );
      await relay.up();
      await waitFor('the LISTEN connection to be back', () =>
        watched.has('the PostgreSQL LISTEN connection is back').length > 0 ? true : undefined,
      );
      // Listening again on the same channel: a NOTIFY arrives.
      await db.query('SELECT pg_notify($1, $2)', [channel, 'after']);
      await waitFor('the NOTIFY after the reconnect', () =>
        heard.includes('after') ? true : undefined,
      );
    } finally {
      await viaRelay.close();
      await relay.down();
    }
  });
});
