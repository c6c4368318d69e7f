import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import {
  assertError,
  ok,
  planSnapshot,
  validPlan,
  startErrorsServer,
  sweepAuth,
  sweepInvalidJson,
  unchanged as unchangedBy,
  UNKNOWN_ID,
  type Route,
  type SendOptions,
} from './endpoint-errors-harness.ts';

// The error answers of the operations on a plan (spec/calls-api.md §7 P3, P4, P7, P14 and the
// plan stop) that test/plans leaves out: unknown, foreign and finished plans, and bad input,
// over HTTP, with the store unchanged after a refused write.

const PLAN_NUMBERS = ['+6281234567005', '+6281234567015'];

describe(`plan operation errors (${storeKind})`, () => {
  let h: Awaited<ReturnType<typeof startErrorsServer>>;
  let tokenB: string;
  let strategyId: string;
  let runningPlan: string;
  let stoppedPlan: string;

  const send = (method: string, path: string, options?: SendOptions) =>
    h.send(method, path, options);
  const get = (path: string, token?: string | null) => h.get(path, token);
  const post = (path: string, body: unknown, token?: string | null) => h.post(path, body, token);

  const snapshot = () => planSnapshot(h.server.store.db);
  const unchanged = (fn: () => Promise<void>) => unchangedBy(snapshot, fn);

  const planBody = (name: string, overrides: Record<string, unknown> = {}) =>
    validPlan(strategyId, name, overrides);

  before(async () => {
    h = await startErrorsServer('errors-plan-ops-a', 'errors-plan-ops-b');
    tokenB = h.tokens[1]!;
    strategyId = ok(
      await post('/v1/strategies', {
        name: 'two_rounds',
        rounds: [{ robot_id: '4496' }, { redial: { outcomes: ['no_answer'] } }],
      }),
    ).strategy_id;
    runningPlan = ok(
      await post('/service/cloud/plan', {
        ...planBody('running'),
        callees: PLAN_NUMBERS.map((callee_number, i) => ({ case_id: `p-${i}`, callee_number })),
      }),
    ).plan_id;
    stoppedPlan = ok(await post('/service/cloud/plan', planBody('stopped'))).plan_id;
    ok(await post('/service/cloud/plan/operation', { plan_id: stoppedPlan, operation: 'stop' }));
  });

  after(async () => {
    await h?.server.close();
  });

  describe('every plan operation route', () => {
    const routes = (): Route[] => [
      ['GET', `/service/cloud/plan/status?plan_id=${runningPlan}`],
      ['GET', `/service/cloud/plan/rounds?plan_id=${runningPlan}`],
      ['POST', '/service/cloud/plan/operation', { plan_id: runningPlan, operation: 'stop' }],
      [
        'POST',
        '/service/cloud/plan/cancelphonecall',
        { plan_id: runningPlan, callee_number: PLAN_NUMBERS[0] },
      ],
      ['GET', `/service/cloud/plan/recordings?plan_id=${runningPlan}&case_id=p-0`],
    ];

    it('answers no token or an unknown one with 401, changing nothing', async () => {
      await sweepAuth(send, routes(), snapshot);
    });

    it('answers a body that is not JSON with 400 invalid_json on every POST, changing nothing', async () => {
      await sweepInvalidJson(send, routes(), snapshot);
    });
  });

  describe('GET /service/cloud/plan/status and /plan/rounds', () => {
    const paths = ['/service/cloud/plan/status', '/service/cloud/plan/rounds'];

    it("answers unknown, malformed and other apps' plan ids with 404 plan_not_found", async () => {
      for (const path of paths) {
        for (const id of [UNKNOWN_ID, 'not-a-plan-id', runningPlan.toUpperCase()]) {
          assertError(await get(`${path}?plan_id=${id}`), 'plan_not_found');
        }
        assertError(await get(`${path}?plan_id=${runningPlan}`, tokenB), 'plan_not_found');
      }
    });

    it('refuses a missing plan_id with 400 bad_request', async () => {
      for (const path of paths) {
        assertError(await get(path), 'bad_request', /plan_id/);
        assertError(await get(`${path}?plan_id=`), 'bad_request', /plan_id/);
      }
    });
  });

  describe('POST /service/cloud/plan/operation', () => {
    const status = async (id: string) =>
      (await get(`/service/cloud/plan/status?plan_id=${id}`)).json.data.status;

    it("answers unknown and other apps' plans with 404 plan_not_found, stopping nothing", async () => {
      await unchanged(async () => {
        for (const id of [UNKNOWN_ID, 'not-a-plan-id']) {
          const r = await post('/service/cloud/plan/operation', { plan_id: id, operation: 'stop' });
          assertError(r, 'plan_not_found');
        }
        const r = await post(
          '/service/cloud/plan/operation',
          { plan_id: runningPlan, operation: 'stop' },
          tokenB,
        );
        assertError(r, 'plan_not_found');
      });
      assert.equal(await status(runningPlan), 'Running');
    });

    it('answers a stopped plan with 409 plan_finished', async () => {
      await unchanged(async () => {
        const r = await post('/service/cloud/plan/operation', {
          plan_id: stoppedPlan,
          operation: 'stop',
        });
        assertError(r, 'plan_finished');
      });
      assert.equal(await status(stoppedPlan), 'Stopped');
    });

    it('refuses an operation other than "stop" and a missing plan_id with 400, stopping nothing', async () => {
      await unchanged(async () => {
        // As for a task's /operation: an unknown operation is unknown_operation.
        for (const operation of ['pause', 'start']) {
          const r = await post('/service/cloud/plan/operation', {
            plan_id: runningPlan,
            operation,
          });
          assertError(r, 'unknown_operation', new RegExp(operation));
        }
        assertError(
          await post('/service/cloud/plan/operation', { plan_id: runningPlan, operation: '' }),
          'bad_request',
          /operation/,
        );
        assertError(
          await post('/service/cloud/plan/operation', { operation: 'stop' }),
          'bad_request',
          /plan_id/,
        );
      });
      assert.equal(await status(runningPlan), 'Running');
    });
  });

  describe('POST /service/cloud/plan/cancelphonecall', () => {
    const cancel = (body: Record<string, unknown>, token?: string) =>
      post('/service/cloud/plan/cancelphonecall', body, token);

    it('refuses a body with neither callee_number nor case_id with 400 bad_request', async () => {
      await unchanged(async () => {
        assertError(
          await cancel({ plan_id: runningPlan }),
          'bad_request',
          /callee_number or case_id/,
        );
        assertError(await cancel({ case_id: 'p-0' }), 'bad_request', /plan_id/);
      });
    });

    it('refuses a callee_number that is not a phone number with 400 invalid_phone', async () => {
      await unchanged(async () => {
        for (const number of ['12345', 'abc']) {
          const r = await cancel({ plan_id: runningPlan, callee_number: number });
          assertError(r, 'invalid_phone', new RegExp(number));
        }
      });
    });

    it("answers unknown and other apps' plans with 404 plan_not_found, cancelling nothing", async () => {
      await unchanged(async () => {
        for (const id of [UNKNOWN_ID, 'not-a-plan-id']) {
          assertError(
            await cancel({ plan_id: id, callee_number: PLAN_NUMBERS[0] }),
            'plan_not_found',
          );
        }
        assertError(
          await cancel({ plan_id: runningPlan, callee_number: PLAN_NUMBERS[0] }, tokenB),
          'plan_not_found',
        );
        assertError(
          await cancel({ plan_id: runningPlan, case_id: 'p-1' }, tokenB),
          'plan_not_found',
        );
      });
    });

    it('answers a stopped plan with 409 plan_finished, recording no cancellation', async () => {
      await unchanged(async () => {
        const r = await cancel({ plan_id: stoppedPlan, case_id: 'stopped-0' });
        assertError(r, 'plan_finished');
      });
    });
  });

  describe('GET /service/cloud/plan/recordings', () => {
    const path = (query: string, id = runningPlan) =>
      `/service/cloud/plan/recordings?plan_id=${id}&${query}`;

    it('answers a number of the plan without recordings with an empty list (control)', async () => {
      const r = await get(path('case_id=p-0'));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.data.list, []);
    });

    it("answers unknown and other apps' plans with 404 plan_not_found", async () => {
      for (const id of [UNKNOWN_ID, 'not-a-plan-id']) {
        assertError(await get(path('case_id=p-0', id)), 'plan_not_found');
      }
      assertError(await get(path('case_id=p-0'), tokenB), 'plan_not_found');
    });

    it('refuses a query with neither callee_number nor case_id with 400 bad_request', async () => {
      assertError(
        await get(`/service/cloud/plan/recordings?plan_id=${runningPlan}`),
        'bad_request',
      );
      assertError(
        await get('/service/cloud/plan/recordings?case_id=p-0'),
        'bad_request',
        /plan_id/,
      );
    });

    it('refuses a callee_number that is not a phone number with 400 invalid_phone', async () => {
      assertError(await get(path('callee_number=12345')), 'invalid_phone', /callee_number/);
    });

    it('answers a number in no round of the plan with 404 callee_not_found, as /case does', async () => {
      assertError(await get(path('case_id=nobody')), 'callee_not_found', /no round/);
      assertError(await get(path('callee_number=%2B6281299999999')), 'callee_not_found');
    });
  });
});
