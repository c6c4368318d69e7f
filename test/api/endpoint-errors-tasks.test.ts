import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import {
  assertError,
  LATER,
  ok,
  startErrorsServer,
  sweepAuth,
  sweepInvalidJson,
  unchanged as unchangedBy,
  UNKNOWN_ID,
  type Route,
  type SendOptions,
} from './endpoint-errors-harness.ts';

// The error answers of the task endpoints (spec/calls-api.md §4, §6 T1-T4) that the other
// suites leave out: each documented error of each route, over HTTP, in the cloud envelope, with
// the store unchanged after a refused write. Success paths and the errors already covered live in
// test/api/{bad-input,tenancy,auth}.test.ts and test/tasks. Results and recordings (T7-T9, T11)
// are in endpoint-errors-recordings.test.ts.

const NUMBERS = ['+6281234567805', '+6281234567815', '+6281234567825'];

describe(`task endpoint errors (${storeKind})`, () => {
  let h: Awaited<ReturnType<typeof startErrorsServer>>;
  let tokenB: string;
  let waitingTask: string;
  let stoppedTask: string;

  const send = (method: string, path: string, options?: SendOptions) =>
    h.send(method, path, options);
  const get = (path: string, token?: string | null) => h.get(path, token);
  const post = (path: string, body: unknown, token?: string | null) => h.post(path, body, token);

  /** Rows of the tables a task route writes, and the state of every task and number. */
  async function snapshot() {
    const db = h.server.store.db;
    const [counts] = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM callees) AS callees,
              (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM webhook_events) AS events`,
    );
    const tasks = await db.query('SELECT id, status FROM tasks ORDER BY id');
    const callees = await db.query('SELECT id, status FROM callees ORDER BY id');
    return { counts: Object.values(counts!).map(Number), tasks, callees };
  }
  const unchanged = (fn: () => Promise<void>) => unchangedBy(snapshot, fn);
  const taskStatus = async (id: string) =>
    (
      await h.server.store.db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [
        id,
      ])
    )[0]?.status;
  const calleeStatuses = async (id: string) =>
    (
      await h.server.store.db.query<{ status: string }>(
        'SELECT status FROM callees WHERE task_id = $1 ORDER BY seq',
        [id],
      )
    ).map((r) => r.status);

  const createTask = async (name: string) =>
    ok(
      await post('/service/cloud/task', {
        task_name: name,
        robot_id: '4496',
        ...LATER,
        callees: NUMBERS.map((callee_number, i) => ({ case_id: `${name}-${i}`, callee_number })),
      }),
    ).task_id as string;

  before(async () => {
    h = await startErrorsServer('errors-tasks-a', 'errors-tasks-b');
    tokenB = h.tokens[1]!;
    waitingTask = await createTask('waiting');
    stoppedTask = await createTask('stopped');
    ok(await post('/service/cloud/operation', { task_id: stoppedTask, operation: 'stop' }));
  });

  after(async () => {
    await h?.server.close();
  });

  describe('every task route', () => {
    const routes = (): Route[] => [
      [
        'POST',
        '/service/cloud/task',
        {
          task_name: 'no_token',
          robot_id: '4496',
          ...LATER,
          callees: [{ callee_number: NUMBERS[0] }],
        },
      ],
      ['GET', '/service/cloud/list'],
      ['POST', '/service/cloud/operation', { task_id: waitingTask, operation: 'stop' }],
      [
        'POST',
        '/service/cloud/cancelphonecall',
        { task_id: waitingTask, callee_number: NUMBERS[0] },
      ],
      ['GET', '/service/cloud/robot'],
    ];

    it('answers no token or an unknown one with 401, changing nothing', async () => {
      await sweepAuth(send, routes(), snapshot);
      assert.equal(await taskStatus(waitingTask), 'Waiting');
      assert.deepEqual(await calleeStatuses(waitingTask), ['pending', 'pending', 'pending']);
    });

    it('answers a body that is not JSON with 400 invalid_json on every POST, changing nothing', async () => {
      await sweepInvalidJson(send, routes(), snapshot);
    });
  });

  describe('POST /service/cloud/task', () => {
    it('refuses a line (caller number) that is not a phone number with 400 invalid_phone', async () => {
      await unchanged(async () => {
        const r = await post('/service/cloud/task', {
          task_name: 'bad_line',
          robot_id: '4496',
          line: 'not-a-number',
          ...LATER,
          callees: [{ callee_number: '+6281234567905' }],
        });
        assertError(r, 'invalid_phone', /line "not-a-number"/);
      });
    });

    it('refuses an Idempotency-Key over 200 characters with 400 bad_request', async () => {
      const body = {
        task_name: 'long_key',
        robot_id: '4496',
        ...LATER,
        callees: [{ callee_number: '+6281234567905' }],
      };
      await unchanged(async () => {
        const r = await send('POST', '/service/cloud/task', {
          body,
          headers: { 'idempotency-key': 'k'.repeat(201) },
        });
        assertError(r, 'bad_request', /idempotency-key/);
      });
    });
  });

  describe('GET /service/cloud/list', () => {
    it('refuses start_time or end_time that are not YYYY-MM-DD HH:MM:SS with 400 bad_request', async () => {
      for (const [field, value] of [
        ['start_time', 'yesterday'],
        ['end_time', '2030-01-01T00:00:00'],
        ['start_time', '2030-02-30 00:00:00'],
      ] as const) {
        const r = await get(`/service/cloud/list?${field}=${encodeURIComponent(value)}`);
        assertError(r, 'bad_request', new RegExp(field));
      }
    });

    it('refuses an unknown status and out-of-range paging with 400 bad_request', async () => {
      for (const [query, field] of [
        ['status=Suspended', /status/],
        ['page=0', /page/],
        ['page_size=0', /page_size/],
        ['page_size=1001', /page_size/],
        ['page=abc', /page/],
      ] as const) {
        assertError(await get(`/service/cloud/list?${query}`), 'bad_request', field);
      }
    });

    it('lists with every filter when they are valid (control)', async () => {
      const r = await get(
        `/service/cloud/list?status=Waiting&start_time=2000-01-01+00:00:00&end_time=2100-01-01+00:00:00&page=1&page_size=1000`,
      );
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.json.data.list.map((t: { task_id: string }) => t.task_id),
        [waitingTask],
      );
    });
  });

  describe('POST /service/cloud/operation', () => {
    it('refuses an operation other than stop, pause or resume with 400 unknown_operation, leaving the task waiting', async () => {
      await unchanged(async () => {
        for (const operation of ['archive', 'start', 'delete']) {
          const r = await post('/service/cloud/operation', { task_id: waitingTask, operation });
          assertError(r, 'unknown_operation', new RegExp(operation));
          assert.match(r.json.message, /operation must be one of stop, pause, resume/);
        }
      });
      assert.equal(await taskStatus(waitingTask), 'Waiting');
    });

    it('refuses a body without task_id or operation with 400 bad_request', async () => {
      await unchanged(async () => {
        assertError(
          await post('/service/cloud/operation', { operation: 'stop' }),
          'bad_request',
          /task_id/,
        );
        assertError(
          await post('/service/cloud/operation', { task_id: waitingTask }),
          'bad_request',
          /operation/,
        );
        assertError(
          await post('/service/cloud/operation', { task_id: waitingTask, operation: '' }),
          'bad_request',
          /operation/,
        );
      });
    });

    it('names the errors of an unknown task and of a stopped one by their keys', async () => {
      await unchanged(async () => {
        assertError(
          await post('/service/cloud/operation', { task_id: UNKNOWN_ID, operation: 'stop' }),
          'task_not_found',
        );
        assertError(
          await post(
            '/service/cloud/operation',
            { task_id: waitingTask, operation: 'stop' },
            tokenB,
          ),
          'task_not_found',
        );
        assertError(
          await post('/service/cloud/operation', { task_id: stoppedTask, operation: 'stop' }),
          'task_finished',
        );
      });
    });
  });

  describe('POST /service/cloud/cancelphonecall', () => {
    it('refuses a body with neither callee_number nor case_id with 400 bad_request', async () => {
      await unchanged(async () => {
        const r = await post('/service/cloud/cancelphonecall', { task_id: waitingTask });
        assertError(r, 'bad_request', /callee_number or case_id/);
      });
    });

    it('refuses a callee_number that is not a phone number with 400 invalid_phone', async () => {
      await unchanged(async () => {
        for (const number of ['12345', '+62abc', '081234567805']) {
          const r = await post('/service/cloud/cancelphonecall', {
            task_id: waitingTask,
            callee_number: number,
          });
          assertError(r, 'invalid_phone', new RegExp(number.replace('+', '\\+')));
        }
      });
    });

    it('refuses a number or case the task does not hold with 404 callee_not_found', async () => {
      await unchanged(async () => {
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: waitingTask,
            callee_number: '+6281299999905',
          }),
          'callee_not_found',
        );
        // Both given: they must name the same callee.
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: waitingTask,
            callee_number: NUMBERS[0],
            case_id: 'waiting-1',
          }),
          'callee_not_found',
        );
      });
    });

    it('refuses a number whose dialling is already final with 409 callee_final', async () => {
      const first = await post('/service/cloud/cancelphonecall', {
        task_id: waitingTask,
        callee_number: NUMBERS[2],
      });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.data.cancelled, 1);
      await unchanged(async () => {
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: waitingTask,
            callee_number: NUMBERS[2],
          }),
          'callee_final',
        );
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: waitingTask,
            case_id: 'waiting-2',
          }),
          'callee_final',
        );
      });
      assert.deepEqual(await calleeStatuses(waitingTask), ['pending', 'pending', 'cancelled']);
      assert.equal(await taskStatus(waitingTask), 'Waiting');
    });

    it('names the errors of an unknown task and of a stopped one by their keys', async () => {
      await unchanged(async () => {
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: UNKNOWN_ID,
            callee_number: NUMBERS[0],
          }),
          'task_not_found',
        );
        assertError(
          await post('/service/cloud/cancelphonecall', {
            task_id: stoppedTask,
            callee_number: NUMBERS[0],
          }),
          'task_finished',
        );
      });
    });
  });
});
