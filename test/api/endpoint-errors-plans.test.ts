import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
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
  type Route,
  type SendOptions,
} from './endpoint-errors-harness.ts';

// The error answers of strategy and plan creation (spec/calls-api.md §7 P1-P2, Tiller's
// /v1/strategies and the plan dry run) that test/plans leaves out: each documented error of each
// route, over HTTP, with the store unchanged after a refused write. The operations on a running
// plan are in endpoint-errors-plan-ops.test.ts.

const PLAN_NUMBERS = ['+6281234567005', '+6281234567015'];

describe(`strategy and plan creation errors (${storeKind})`, () => {
  let h: Awaited<ReturnType<typeof startErrorsServer>>;
  let tokenB: string;
  let strategyId: string;
  let noRobotStrategyId: string;
  let strategyOfB: string;
  let robotOfB: string;

  const send = (method: string, path: string, options?: SendOptions) =>
    h.send(method, path, options);
  const get = (path: string, token?: string | null) => h.get(path, token);
  const post = (path: string, body: unknown, token?: string | null) => h.post(path, body, token);

  const snapshot = () => planSnapshot(h.server.store.db);
  const unchanged = (fn: () => Promise<void>) => unchangedBy(snapshot, fn);

  const planBody = (name: string, overrides: Record<string, unknown> = {}) =>
    validPlan(strategyId, name, overrides);

  before(async () => {
    h = await startErrorsServer('errors-plans-a', 'errors-plans-b');
    tokenB = h.tokens[1]!;
    strategyId = ok(
      await post('/v1/strategies', {
        name: 'two_rounds',
        rounds: [{ robot_id: '4496' }, { redial: { outcomes: ['no_answer'] } }],
      }),
    ).strategy_id;
    noRobotStrategyId = ok(
      await post('/v1/strategies', { name: 'no_robot', rounds: [{}] }),
    ).strategy_id;
    const definition = builtinRobots().find((r) => r.robot_id === 4496)!.definition;
    robotOfB = ok(await post('/v1/robots', { ...definition, name: 'B_Robot' }, tokenB)).robot_id;
    strategyOfB = ok(
      await post('/v1/strategies', { name: 'of_b', rounds: [{ robot_id: robotOfB }] }, tokenB),
    ).strategy_id;
    ok(
      await post('/service/cloud/plan', {
        ...planBody('running'),
        callees: PLAN_NUMBERS.map((callee_number, i) => ({ case_id: `p-${i}`, callee_number })),
      }),
    );
  });

  after(async () => {
    await h?.server.close();
  });

  describe('every strategy and plan creation route', () => {
    const routes = (): Route[] => [
      ['GET', '/service/cloud/strategy'],
      ['POST', '/service/cloud/plan', planBody('no_token')],
      ['POST', '/service/cloud/plan/dryrun', planBody('no_token')],
      ['GET', '/v1/strategies'],
      ['POST', '/v1/strategies', { name: 'no_token', rounds: [{ robot_id: '4496' }] }],
    ];

    it('answers no token or an unknown one with 401, changing nothing', async () => {
      await sweepAuth(send, routes(), snapshot);
    });

    it('answers a body that is not JSON with 400 invalid_json on every POST, changing nothing', async () => {
      await sweepInvalidJson(send, routes(), snapshot);
    });
  });

  describe('/v1/strategies', () => {
    it("lists the app's own strategies only (besides the built-in ones)", async () => {
      type Summary = { strategy_id: string; strategy_name: string; builtin: boolean };
      const own = (list: Summary[]) => list.filter((s) => !s.builtin);
      const mine = await get('/v1/strategies');
      assert.equal(mine.status, 200, mine.text);
      assert.deepEqual(
        own(mine.json.data.list)
          .map((s) => s.strategy_name)
          .sort(),
        ['no_robot', 'two_rounds'],
      );
      const theirs = await get('/v1/strategies', tokenB);
      assert.deepEqual(
        own(theirs.json.data.list).map((s) => s.strategy_id),
        [strategyOfB],
      );
    });

    it("refuses an unknown robot, or another app's, with 404 robot_not_found", async () => {
      await unchanged(async () => {
        for (const robotId of ['999999', robotOfB]) {
          const r = await post('/v1/strategies', {
            name: `robot_${robotId}`,
            rounds: [{ robot_id: '4496' }, { robot_id: robotId }],
          });
          assertError(r, 'robot_not_found', new RegExp(`rounds\\[1\\]\\.robot_id ${robotId}`));
        }
      });
    });

    it('refuses a round caller_number that is not a phone number with 400 invalid_phone', async () => {
      await unchanged(async () => {
        const r = await post('/v1/strategies', {
          name: 'bad_caller',
          rounds: [{ robot_id: '4496', caller_number: '12345' }],
        });
        assertError(r, 'invalid_phone', /rounds\[0\]\.caller_number/);
      });
    });

    it('refuses bad round calling windows with 400 bad_request', async () => {
      await unchanged(async () => {
        const r = await post('/v1/strategies', {
          name: 'bad_windows',
          rounds: [
            { robot_id: '4496', calling_windows: [{ days: [8], start: '09:00', end: '17:00' }] },
          ],
        });
        assertError(r, 'bad_request', /rounds\[0\]\.calling_windows/);
      });
    });

    it('refuses a name the app already uses with 400 duplicate_name', async () => {
      await unchanged(async () => {
        const r = await post('/v1/strategies', {
          name: 'two_rounds',
          rounds: [{ robot_id: '4497' }],
        });
        assertError(r, 'duplicate_name', /two_rounds/);
      });
      // Names are per app: B may use it.
      const b = await post('/v1/strategies', { name: 'two_rounds', rounds: [{}] }, tokenB);
      assert.equal(b.status, 200, b.text);
    });

    it('refuses bodies that break the schema with 400 bad_request', async () => {
      await unchanged(async () => {
        const cases: Array<[unknown, RegExp]> = [
          [{ name: 'empty', rounds: [] }, /rounds/],
          [{ name: 'eleven', rounds: Array.from({ length: 11 }, () => ({})) }, /rounds/],
          [{ rounds: [{}] }, /name/],
          [{ name: '', rounds: [{}] }, /name/],
          [{ name: 'extra', rounds: [{}], priority: 1 }, /additional/],
          [{ name: 'round_extra', rounds: [{ colour: 'red' }] }, /additional/],
          [{ name: 'outcome', rounds: [{}, { redial: { outcomes: ['maybe'] } }] }, /outcomes/],
          [{ name: 'intention', rounds: [{}, { redial: { intentions: ['Z'] } }] }, /intentions/],
          [{ name: 'interval', rounds: [{}, { interval_minutes: -1 }] }, /interval_minutes/],
          [{ name: 'robot', rounds: [{ robot_id: 'abc' }] }, /robot_id/],
        ];
        for (const [body, field] of cases) {
          assertError(await post('/v1/strategies', body), 'bad_request', field);
        }
      });
    });
  });

  describe('POST /service/cloud/plan and /plan/dryrun', () => {
    const both = ['/service/cloud/plan', '/service/cloud/plan/dryrun'];

    it('forecasts a valid body without writing anything (dry run control)', async () => {
      await unchanged(async () => {
        const r = await post('/service/cloud/plan/dryrun', planBody('dry_control'));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.data.requested, 2);
        assert.deepEqual(
          r.json.data.rounds.map((x: { round: number }) => x.round),
          [1, 2],
        );
      });
    });

    it("refuses an unknown strategy, or another app's, with 404 strategy_not_found", async () => {
      await unchanged(async () => {
        for (const path of both) {
          for (const id of ['999999', strategyOfB]) {
            const r = await post(path, planBody('no_strategy', { strategy_id: id }));
            assertError(r, 'strategy_not_found', new RegExp(`strategy_id ${id}`));
          }
        }
      });
    });

    it("refuses an unknown plan robot, or another app's, with 404 robot_not_found", async () => {
      await unchanged(async () => {
        for (const path of both) {
          for (const id of ['999999', robotOfB]) {
            const r = await post(path, planBody('no_robot', { robot_id: id }));
            assertError(r, 'robot_not_found', new RegExp(`robot_id ${id}`));
          }
        }
      });
    });

    it('refuses a plan with no robot for round 1 with 400 bad_request, and takes it given', async () => {
      await unchanged(async () => {
        for (const path of both) {
          const r = await post(path, planBody('robotless', { strategy_id: noRobotStrategyId }));
          assertError(r, 'bad_request', /robot_id/);
        }
      });
      const dry = await post(
        '/service/cloud/plan/dryrun',
        planBody('robotless', { strategy_id: noRobotStrategyId, robot_id: '4497' }),
      );
      assert.equal(dry.status, 200, dry.text);
    });

    it('refuses a bad time window with 400 invalid_time', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ start_time: '2099/01/01 00:00:00' }, /start_time/],
        [{ end_time: 'tomorrow' }, /end_time/],
        [{ end_time: '2098-12-31 00:00:00' }, /after start_time/],
        [{ start_time: undefined, end_time: '2001-01-01 00:00:00' }, /end_time/],
      ];
      await unchanged(async () => {
        for (const path of both) {
          for (const [override, detail] of cases) {
            const r = await post(path, planBody('bad_time', override));
            assertError(r, 'invalid_time', detail);
          }
        }
      });
    });

    it('refuses a callee number that is not a phone number with 400 invalid_phone', async () => {
      await unchanged(async () => {
        for (const path of both) {
          const r = await post(
            path,
            planBody('bad_number', {
              callees: [{ callee_number: '+6281234567905' }, { callee_number: '0812' }],
            }),
          );
          assertError(r, 'invalid_phone', /callees\[1\]/);
        }
      });
    });

    it('refuses a list repeating a case and number with 400 duplicate_callee', async () => {
      await unchanged(async () => {
        const r = await post(
          '/service/cloud/plan',
          planBody('twice', {
            callees: [
              { case_id: 'c', callee_number: '+6281234567905' },
              { case_id: 'c', callee_number: '+62 812-3456-7905' },
            ],
          }),
        );
        assertError(r, 'duplicate_callee', /callees\[1\]/);
      });
    });

    it('refuses a plan whose every number is queued in an active task with 400 duplicate_callee', async () => {
      await unchanged(async () => {
        const r = await post(
          '/service/cloud/plan',
          planBody('all_queued', {
            callees: PLAN_NUMBERS.map((callee_number, i) => ({ case_id: `p-${i}`, callee_number })),
          }),
        );
        assertError(r, 'duplicate_callee', /already queued/);
      });
    });

    it('refuses a plan name the app already uses with 400 duplicate_name', async () => {
      await unchanged(async () => {
        const r = await post('/service/cloud/plan', planBody('running'));
        assertError(r, 'duplicate_name', /running/);
      });
    });

    it('refuses bodies that break the schema with 400 bad_request', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ callees: [] }, /callees/],
        [{ callees: undefined }, /callees/],
        [{ strategy_id: undefined }, /strategy_id/],
        [{ strategy_id: 'abc' }, /strategy_id/],
        [{ robot_id: '12a' }, /robot_id/],
        [{ callees: [{ case_id: 'no-number' }] }, /callee_number/],
      ];
      await unchanged(async () => {
        for (const path of both) {
          for (const [override, field] of cases) {
            assertError(await post(path, planBody('schema', override)), 'bad_request', field);
          }
        }
        assertError(
          await post('/service/cloud/plan', planBody('x', { plan_name: undefined })),
          'bad_request',
          /plan_name/,
        );
      });
    });

    it('lets one of two simultaneous creates with the same name through, the other 400 duplicate_name', async () => {
      for (let i = 0; i < 3; i++) {
        const body = planBody(`race_${i}`);
        const results = await Promise.all([
          post('/service/cloud/plan', body),
          post('/service/cloud/plan', {
            ...body,
            callees: [{ case_id: `race_${i}-other`, callee_number: '+6281234567925' }],
          }),
        ]);
        assert.deepEqual(
          results.map((r) => r.status).sort(),
          [200, 400],
          results.map((r) => r.text).join(' | '),
        );
        assertError(
          results.find((r) => r.status !== 200)!,
          'duplicate_name',
        );
      }
    });
  });
});
