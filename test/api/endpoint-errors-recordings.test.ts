import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import {
  assertError,
  LATER,
  ok,
  startErrorsServer,
  sweepAuth,
  UNKNOWN_ID,
  type Route,
} from './endpoint-errors-harness.ts';

// The error answers of the task result and recording endpoints (spec/calls-api.md §6 T7-T9,
// T11) that test/api/tenancy.test.ts, test/recordings and test/tasks/call-info.test.ts leave
// out, over HTTP, in the cloud envelope. Reads only: the store is never changed here.

const NUMBERS = ['+6281234567805', '+6281234567815'];

describe(`result and recording endpoint errors (${storeKind})`, () => {
  let h: Awaited<ReturnType<typeof startErrorsServer>>;
  let tokenB: string;
  let waitingTask: string;

  const get = (path: string, token?: string | null) => h.get(path, token);

  before(async () => {
    h = await startErrorsServer('errors-results-a', 'errors-results-b');
    tokenB = h.tokens[1]!;
    waitingTask = ok(
      await h.post('/service/cloud/task', {
        task_name: 'waiting',
        robot_id: '4496',
        ...LATER,
        callees: NUMBERS.map((callee_number, i) => ({ case_id: `waiting-${i}`, callee_number })),
      }),
    ).task_id;
  });

  after(async () => {
    await h?.server.close();
  });

  it('answers no token or an unknown one with 401 on every route', async () => {
    const routes: Route[] = [
      ['GET', `/service/cloud/detail?task_id=${waitingTask}`],
      ['GET', `/service/cloud/case?task_id=${waitingTask}&case_id=waiting-0`],
      ['GET', `/service/cloud/recording?task_id=${waitingTask}`],
      ['GET', `/service/cloud/callinfo?call_id=${UNKNOWN_ID}`],
    ];
    await sweepAuth(h.send, routes, async () => null);
  });

  describe('GET /service/cloud/detail', () => {
    it('refuses a missing task_id and out-of-range paging with 400 bad_request', async () => {
      assertError(await get('/service/cloud/detail'), 'bad_request', /task_id/);
      assertError(await get('/service/cloud/detail?task_id='), 'bad_request', /task_id/);
      for (const query of ['page=0', 'page_size=0', 'page_size=1001']) {
        assertError(
          await get(`/service/cloud/detail?task_id=${waitingTask}&${query}`),
          'bad_request',
          /page/,
        );
      }
    });

    it("answers an unknown task and another app's task with 404 task_not_found", async () => {
      assertError(await get(`/service/cloud/detail?task_id=${UNKNOWN_ID}`), 'task_not_found');
      assertError(
        await get(`/service/cloud/detail?task_id=${waitingTask}`, tokenB),
        'task_not_found',
      );
    });
  });

  describe('GET /service/cloud/case', () => {
    const path = (query: string) => `/service/cloud/case?task_id=${waitingTask}&${query}`;

    it('answers a number of the task that has no recording with an empty list (control)', async () => {
      const r = await get(path(`callee_number=${encodeURIComponent(NUMBERS[0]!)}`));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.data.list, []);
    });

    it('refuses a callee_number that is not a phone number with 400 invalid_phone', async () => {
      for (const number of ['12345', 'abc']) {
        assertError(await get(path(`callee_number=${number}`)), 'invalid_phone', /callee_number/);
      }
    });

    it('refuses a query without callee_number or case_id with 400 bad_request', async () => {
      assertError(await get(`/service/cloud/case?task_id=${waitingTask}`), 'bad_request');
      assertError(await get('/service/cloud/case?case_id=waiting-0'), 'bad_request', /task_id/);
    });

    it('answers a number or case not in the task with 404 callee_not_found', async () => {
      assertError(await get(path('callee_number=%2B6281299999905')), 'callee_not_found');
      assertError(await get(path('case_id=no-such-case')), 'callee_not_found');
    });

    it("answers unknown, malformed and other apps' task ids with 404 task_not_found", async () => {
      for (const id of [UNKNOWN_ID, 'not-a-task-id']) {
        assertError(
          await get(`/service/cloud/case?task_id=${id}&case_id=waiting-0`),
          'task_not_found',
        );
      }
      assertError(await get(path('case_id=waiting-0'), tokenB), 'task_not_found');
    });
  });

  describe('GET /service/cloud/recording', () => {
    it('answers a task without recordings with a link to an empty archive (control)', async () => {
      const r = await get(`/service/cloud/recording?task_id=${waitingTask}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.count, 0);
      assert.equal(r.json.data.parts, 1);
    });

    it('refuses a part the archive does not have, or below 1, with 400 bad_request', async () => {
      assertError(
        await get(`/service/cloud/recording?task_id=${waitingTask}&part=2`),
        'bad_request',
        /part 2/,
      );
      for (const part of ['0', '-1', 'x']) {
        assertError(
          await get(`/service/cloud/recording?task_id=${waitingTask}&part=${part}`),
          'bad_request',
          /part/,
        );
      }
      assertError(await get('/service/cloud/recording'), 'bad_request', /task_id/);
    });

    it("answers unknown, malformed and other apps' task ids with 404 task_not_found", async () => {
      for (const id of [UNKNOWN_ID, 'not-a-task-id']) {
        assertError(await get(`/service/cloud/recording?task_id=${id}`), 'task_not_found');
      }
      assertError(
        await get(`/service/cloud/recording?task_id=${waitingTask}`, tokenB),
        'task_not_found',
      );
    });
  });
});
