import assert from 'node:assert/strict';
import { cloudEnvelope } from '../../src/api/envelopes.ts';
import { errorTable, type ErrorKey } from '../../src/shared/errors.ts';
import type { Queryable } from '../../src/store/db.ts';
import { readResponse, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// What the endpoint-errors-*.test.ts files share: a server without workers (only the requests of
// the file change the store), a request helper for any method, the error-envelope check and the
// "a refused write changes nothing" check.

export type Answer = Awaited<ReturnType<typeof readResponse>>;

export const UNKNOWN_ID = 'ffffffffffffffffffffffffffffffff';
/** Well-formed, never issued. */
export const BOGUS_TOKEN = 'bm8tc3VjaC10b2tlbi1hdC1hbGw';
/** A calling window far ahead: nothing is dialled, every task stays where a test puts it. */
export const LATER = { start_time: '2099-01-01 00:00:00', end_time: '2099-01-02 00:00:00' };

/**
 * The cloud (and /v1) error envelope of `key`: its HTTP status and code, its message (with an
 * optional detail after it), a request id and no data.
 */
export function assertError(r: Answer, key: ErrorKey, detail?: RegExp) {
  const spec = errorTable[key];
  assert.equal(r.status, spec.http, `${key}: ${r.text}`);
  assert.ok(r.json && typeof r.json === 'object', `${key}: a JSON body, got ${r.text}`);
  assert.equal(r.json.code, cloudEnvelope.codeOf(key), `${key}: code`);
  assert.equal(r.json.data, null, `${key}: data`);
  assert.equal(typeof r.json.request_id, 'string', `${key}: request_id`);
  const message = String(r.json.message);
  assert.ok(
    message === spec.message || message.startsWith(`${spec.message}: `),
    `${key}: message "${message}"`,
  );
  if (detail) assert.match(message, detail);
}

/** The 200 envelope's data. */
export function ok(r: Answer) {
  assert.equal(r.status, 200, r.text);
  return r.json.data;
}

export interface SendOptions {
  /** null: no Authorization header; default: the first app's token. */
  token?: string | null;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
}

/** The server and one token per app name, with a request helper that uses the first by default. */
export async function startErrorsServer(...apps: string[]) {
  const server: TestServer = await startTestServer({ worker: false });
  const tokens: string[] = [];
  for (const name of apps) {
    const created = await server.runtime.services.auth.createApp({ name });
    tokens.push(await tokenFor(server.url, created.appKey, created.appSecret));
  }
  const send = async (method: string, path: string, options: SendOptions = {}) => {
    const token = options.token === undefined ? tokens[0] : options.token;
    const headers: Record<string, string> = {
      ...(token ? { authorization: `Token ${token}` } : {}),
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(server.url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return readResponse(response);
  };
  return {
    server,
    tokens,
    send,
    get: (path: string, token?: string | null) => send('GET', path, { token }),
    post: (path: string, body: unknown, token?: string | null) =>
      send('POST', path, { token, body }),
    put: (path: string, body: unknown, token?: string | null) => send('PUT', path, { token, body }),
  };
}

/** Runs `fn` and checks that `snapshot` reads the same before and after. */
export async function unchanged(snapshot: () => Promise<unknown>, fn: () => Promise<void>) {
  const before = await snapshot();
  await fn();
  assert.deepEqual(await snapshot(), before, 'the store is unchanged');
}

/** A route for the token sweeps: method, path and, for a write, a body that would succeed. */
export type Route = [method: string, path: string, body?: unknown];

/**
 * The checks every token route shares: 401 missing_token without a header, 401 invalid_token
 * with an unknown token, and 400 invalid_json for a body that does not parse; none changes the
 * store.
 */
export async function sweepAuth(
  send: (method: string, path: string, options?: SendOptions) => Promise<Answer>,
  routes: Route[],
  snapshot: () => Promise<unknown>,
) {
  await unchanged(snapshot, async () => {
    for (const [method, path, body] of routes) {
      assertError(await send(method, path, { token: null, body }), 'missing_token');
      assertError(await send(method, path, { token: BOGUS_TOKEN, body }), 'invalid_token');
    }
  });
}

export async function sweepInvalidJson(
  send: (method: string, path: string, options?: SendOptions) => Promise<Answer>,
  routes: Route[],
  snapshot: () => Promise<unknown>,
) {
  const writes = routes.filter(([, , body]) => body !== undefined);
  assert.ok(writes.length > 0, 'the sweep has writes');
  await unchanged(snapshot, async () => {
    for (const [method, path] of writes) {
      assertError(await send(method, path, { body: '{"id": ' }), 'invalid_json');
    }
  });
}

/** Row counts of `tables` and the rows `queries` read: what a refused write must leave alone. */
export async function snapshotOf(db: Queryable, tables: string[], queries: string[] = []) {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(row!.n);
  }
  const rows: unknown[] = [];
  for (const query of queries) rows.push(await db.query(query));
  return { counts, rows };
}

/** Rows of every table a plan route writes, and the state of every plan, task and number. */
export function planSnapshot(db: Queryable) {
  return snapshotOf(
    db,
    ['strategies', 'plans', 'plan_cancellations', 'tasks', 'callees', 'jobs', 'webhook_events'],
    [
      'SELECT id, status, current_round FROM plans ORDER BY id',
      'SELECT id, status FROM tasks ORDER BY id',
      'SELECT id, status FROM callees ORDER BY id',
    ],
  );
}

/** A valid plan body of `strategyId`, starting in 2099; tests break one thing in it. */
export function validPlan(
  strategyId: string,
  name: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    plan_name: name,
    strategy_id: strategyId,
    ...LATER,
    callees: [
      { case_id: `${name}-0`, callee_number: '+6281234567905' },
      { case_id: `${name}-1`, callee_number: '+6281234567915' },
    ],
    ...overrides,
  };
}
