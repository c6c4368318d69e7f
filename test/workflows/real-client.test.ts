import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorTable, type ErrorKey } from '../../src/shared/errors.ts';
import { storeKind } from '../helpers/db.ts';
import { readResponse, startTestServer, waitFor, type TestServer } from '../helpers/server.ts';

// Issue 12's "done when": a client written for AIRudder's Workflow API works unchanged. This one
// is modelled on the public third-party clients of spec/workflow-api.md: it authenticates with
// POST /service/cloud/auth, sends `Authorization: Bearer <token>` and `User-Agent: Airudder`,
// creates an instance from a template by name with `end_time` as "YYYY-MM-DD HH:mm:ss+08:00"
// (its own office's offset, not the app's zone) and appends lists with /uploaddetails. It speaks
// only HTTP to the real server; the store is read only to prove what was (not) written.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- envelopes are any JSON
interface Answer {
  status: number;
  json: Json;
  text: string;
}

const WF = '/service/cloud/workflow';
// The app's zone is Jakarta (+07:00), so an offset read as the app zone would be an hour off.
const APP_ZONE = 'Asia/Jakarta';
// The built-in marketing template: an order confirmation call, then an SMS only for intention
// A or B. Numbers ending 1 (refuses the order) and 2 (wrong person) answer and end the call at
// once, without an A/B intention, so each record goes call → done (docs/simulator.md).
const TEMPLATE = 'marketing_call_sms';
const FIRST = [
  { callee: '+6281234560011', case_id: 'order-1', variables: { name: 'Tom' } },
  { callee: '+6281234560022', case_id: 'order-2', variables: { name: 'Ann' } },
];
const SECOND = [
  { callee: '+6281234560031', case_id: 'order-3', variables: { name: 'Bob' } },
  { callee: '+6281234560042', case_id: 'order-4', variables: { name: 'Eve' } },
];

/** `YYYY-MM-DD HH:mm:ss+08:00` for an instant: what a client in Singapore or Manila sends. */
function at8(instant: Date): string {
  const local = new Date(instant.getTime() + 8 * 3_600_000);
  return `${local.toISOString().slice(0, 19).replace('T', ' ')}+08:00`;
}

/** The third-party client: Bearer token, User-Agent Airudder, JSON bodies. */
function airudderClient(base: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> =>
    readResponse(
      await fetch(base + path, {
        method,
        headers: {
          'user-agent': 'Airudder',
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
  };
}

/** An error answer of the Workflow family: `{code, status, message, request_id, data:null}`. */
function assertRefused(r: Answer, key: ErrorKey, what: string, detail?: RegExp) {
  const spec = errorTable[key];
  assert.equal(r.status, spec.http, `${what}: ${r.text}`);
  assert.deepEqual(Object.keys(r.json ?? {}).sort(), [
    'code',
    'data',
    'message',
    'request_id',
    'status',
  ]);
  assert.equal(r.json.code, spec.http, what);
  assert.notEqual(r.json.status, 'OK', what);
  assert.equal(r.json.data, null, what);
  assert.ok(r.json.request_id, `${what}: a request id`);
  assert.ok(r.json.message.startsWith(spec.message), `${what}: ${r.json.message}, expected ${key}`);
  if (detail) assert.match(r.json.message, detail, what);
}

describe(`a third-party Workflow client works unchanged (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let token: string;
  let api: ReturnType<typeof airudderClient>;
  let workflowId: string;
  const endTime = new Date(Math.floor((Date.now() + 24 * 3_600_000) / 1000) * 1000);

  /** What the store holds for the app: to prove a refused request wrote nothing. */
  const written = async () => {
    const [row] = await server.store.db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM workflows WHERE app_id = $1) AS workflows,
              (SELECT count(*)::int FROM workflow_records WHERE app_id = $1) AS records,
              (SELECT coalesce(sum(record_count), 0)::int FROM workflows WHERE app_id = $1) AS counted`,
      [appId],
    );
    return row;
  };
  const unchangedBy = async (request: () => Promise<void>) => {
    const before = await written();
    await request();
    assert.deepEqual(await written(), before, 'nothing written');
  };

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({
      name: 'third-party-client',
      timezone: APP_ZONE,
    });
    appId = app.app.id;
    const auth = await airudderClient(server.url).post('/service/cloud/auth', {
      APPKey: app.appKey,
      APPSecret: app.appSecret,
    });
    assert.equal(auth.status, 200, auth.text);
    assert.equal(auth.json.code, 200);
    assert.equal(auth.json.status, 'OK');
    token = auth.json.data.token;
    assert.ok(token);
    api = airudderClient(server.url, token);
  });

  after(async () => {
    await server?.close();
  });

  it('creates an instance by template name with an end_time at +08:00', async () => {
    const r = await api.post(`${WF}/createinstance`, {
      workflow_template_name: TEMPLATE,
      name: 'orders_batch_1',
      end_time: at8(endTime),
      details: FIRST,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['code', 'data', 'message', 'status']);
    assert.equal(r.json.code, 200);
    assert.equal(r.json.status, 'OK');
    assert.equal(r.json.message, 'Success');
    assert.deepEqual(Object.keys(r.json.data), ['workflow_id']);
    workflowId = r.json.data.workflow_id;
    assert.match(workflowId, /^[0-9a-f]{32}$/);

    // The instant the client meant, whatever the app's zone.
    const [row] = await server.store.db.query<{ end_time: Date }>(
      'SELECT end_time FROM workflows WHERE id = $1 AND app_id = $2',
      [workflowId, appId],
    );
    assert.equal(row!.end_time.toISOString(), endTime.toISOString());
  });

  it('appends lists with uploaddetails, twice', async () => {
    for (const detail of SECOND) {
      const r = await api.post(`${WF}/uploaddetails`, {
        workflow_id: workflowId,
        details: [detail],
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.code, 200, r.text);
      assert.equal(r.json.message, 'Success');
      assert.deepEqual(r.json.data, { count: 1 });
    }
    assert.deepEqual(await written(), { workflows: 1, records: 4, counted: 4 });
  });

  it('refuses a (case_id, callee) already in the workflow, or twice in one list', async () => {
    await unchangedBy(async () => {
      const again = await api.post(`${WF}/uploaddetails`, {
        workflow_id: workflowId,
        details: [{ callee: '+6281234560051', case_id: 'order-5' }, FIRST[0]],
      });
      assertRefused(again, 'duplicate_callee', 'a record of the first list again');
    });
    await unchangedBy(async () => {
      const twice = await api.post(`${WF}/uploaddetails`, {
        workflow_id: workflowId,
        details: [
          { callee: '+6281234560061', case_id: 'order-6' },
          { callee: '+6281234560061', case_id: 'order-6' },
        ],
      });
      assertRefused(twice, 'duplicate_callee', 'one row twice', /details\[1\]/);
    });
  });

  it('refuses a bad number, naming the row', async () => {
    await unchangedBy(async () => {
      const r = await api.post(`${WF}/uploaddetails`, {
        workflow_id: workflowId,
        details: [
          { callee: '+6281234560071', case_id: 'order-7' },
          { callee: '12345', case_id: 'order-8' },
        ],
      });
      assertRefused(r, 'invalid_phone', 'bad number', /details\[1\]\.callee/);
    });
  });

  it('refuses more than 10,000 records in all, writing none of them', async () => {
    // 4 records are in; 9,997 more would make 10,001.
    const details = Array.from({ length: 9_997 }, (_, i) => ({
      callee: `+62812345${String(i).padStart(5, '0')}`,
      case_id: `bulk-${i}`,
    }));
    await unchangedBy(async () => {
      const r = await api.post(`${WF}/uploaddetails`, { workflow_id: workflowId, details });
      assertRefused(r, 'workflow_too_many_records', 'over the cap', /10,000/);
    });
    // More than 10,000 in one request: the same answer, before anything is looked up.
    await unchangedBy(async () => {
      const r = await api.post(`${WF}/uploaddetails`, {
        workflow_id: workflowId,
        details: [...details, ...details.slice(0, 4)].map((d, i) => ({ ...d, case_id: `x-${i}` })),
      });
      assertRefused(r, 'workflow_too_many_records', 'over the cap in one request', /10,000/);
    });
  });

  it('runs every record through the graph; the instance list shows it with record_count', async () => {
    const listed = await waitFor(
      'every record to leave the graph',
      async () => {
        const r = await api.get(`${WF}/instances?page=1&page_size=20`);
        assert.equal(r.status, 200, r.text);
        const mine = r.json.data.list.find((w: Json) => w.workflow_id === workflowId);
        return mine?.done_count === 4 ? { page: r.json, mine } : undefined;
      },
      60_000,
    );
    assert.equal(listed.page.code, 200);
    assert.equal(listed.page.message, 'Success');
    assert.equal(listed.page.data.total, 1);
    // end_time shown in the app's zone (+07:00): the +08:00 text an hour earlier.
    const inAppZone = new Date(endTime.getTime() + 7 * 3_600_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    assert.deepEqual(
      {
        workflow_name: listed.mine.workflow_name,
        workflow_template_name: listed.mine.workflow_template_name,
        status: listed.mine.status,
        auto_finish: listed.mine.auto_finish,
        end_time: listed.mine.end_time,
        record_count: listed.mine.record_count,
        done_count: listed.mine.done_count,
      },
      {
        workflow_name: 'orders_batch_1',
        workflow_template_name: TEMPLATE,
        status: 'Running', // auto_finish 2 (the default): open for more lists until end_time
        auto_finish: 2,
        end_time: inAppZone,
        record_count: 4,
        done_count: 4,
      },
    );
    // Each record was called once by the template's call node.
    for (const { callee, case_id } of [...FIRST, ...SECOND]) {
      const r = await api.get(
        `${WF}/case?workflow_id=${workflowId}&callee=${encodeURIComponent(callee)}`,
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.length, 1, `${case_id}: ${r.text}`);
      assert.match(r.json.data[0].call_id, /^[0-9a-f]{32}$/);
    }
  });

  it('answers a missing or wrong token with 401 in the family envelope', async () => {
    await unchangedBy(async () => {
      const body = {
        workflow_template_name: TEMPLATE,
        name: 'no_token',
        end_time: at8(endTime),
        details: FIRST,
      };
      const missing = await airudderClient(server.url).post(`${WF}/createinstance`, body);
      assertRefused(missing, 'missing_token', 'no token');
      const wrong = await airudderClient(server.url, `${token}x`).post(
        `${WF}/createinstance`,
        body,
      );
      assertRefused(wrong, 'invalid_token', 'wrong token');
      const list = await airudderClient(server.url, 'not-a-token').get(`${WF}/instances`);
      assertRefused(list, 'invalid_token', 'wrong token on a query');
    });
  });

  it('refuses an end_time in the past and an unknown template name, writing nothing', async () => {
    await unchangedBy(async () => {
      const past = await api.post(`${WF}/createinstance`, {
        workflow_template_name: TEMPLATE,
        name: 'in_the_past',
        end_time: at8(new Date(Date.now() - 3_600_000)),
        details: FIRST,
      });
      assertRefused(past, 'invalid_time', 'past end_time', /in the past/);
      const unknown = await api.post(`${WF}/createinstance`, {
        workflow_template_name: 'no_such_template',
        name: 'unknown_template',
        end_time: at8(endTime),
        details: FIRST,
      });
      assertRefused(unknown, 'workflow_template_not_found', 'unknown template name');
    });
  });
});
