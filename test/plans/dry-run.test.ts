import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallControl } from '../../src/channels/telephony/call-control.ts';
import { forecasterOf } from '../../src/channels/telephony/forecast.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { forecastPlan } from '../../src/modules/plans/plan-forecast.ts';
import { findRobot } from '../../src/modules/robots/robots.repository.ts';
import { seedCall, seedTask } from '../compliance/seed.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// The dry run of a plan: what each round will take in and dial, and which rule leaves whom
// out. Personas (last digits, docs/simulator.md) make the later rounds known in advance.

const N = {
  payer: '+6281234567000', // answers and agrees: done in round 1
  noAnswer: '+6281234567005', // never answers: rounds 1, 2 and 3
  busy: '+6281234567006', // busy: rounds 1 and 2
  voicemail: '+6281234567004', // voicemail, redialled within round 1, not taken by round 2
  listed: '+6281234567010', // on the do-not-call list
  queued: '+6281234567020', // already waiting in another task of the app
  american: '+12122340100', // the app lets US numbers be called on Sundays only
  spent: '+6281234567030', // seven calls in the last seven days
};

// A Monday to Tuesday plan well in the future, so the test holds whenever it runs.
const START = '2030-01-07 00:00:00';
const END = '2030-01-08 00:00:00';

describe(`plan dry run (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;
  let strategyId: string;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'dry' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    const strategy = await api.post('/v1/strategies', {
      name: 'three',
      rounds: [
        { robot_id: '4496', redial_times: 1 },
        { redial: { outcomes: ['no_answer', 'busy'] } },
        { redial: { outcomes: ['no_answer'] } },
      ],
    });
    strategyId = strategy.json.data.strategy_id;
    const always = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
    const settings = await api.put('/v1/app/compliance', {
      calling_windows: { US: [{ days: [7], start: '09:00', end: '17:00' }], '*': [always] },
      contact_caps: null,
    });
    assert.equal(settings.status, 200, settings.text);
    assert.equal((await api.post('/v1/dnc', { numbers: [N.listed] })).status, 200);
    const queued = await api.post('/service/cloud/task', {
      task_name: 'elsewhere',
      robot_id: '4496',
      start_time: START,
      end_time: END,
      callees: [{ callee_number: N.queued }],
    });
    assert.equal(queued.status, 200, queued.text);
    const earlier = await seedTask(server.store.db, appId);
    for (let hour = 1; hour <= 7; hour++) {
      await seedCall(server.store.db, appId, earlier, {
        number: N.spent,
        startedAt: `2030-01-06T0${hour}:00:00Z`,
      });
    }
  });
  after(() => server.close());

  it('forecasts every round and names the rule behind each skipped number', async () => {
    const [plansBefore, tasksBefore] = await counts();
    const dry = await api.post('/service/cloud/plan/dryrun', {
      strategy_id: strategyId,
      start_time: START,
      end_time: END,
      callees: Object.values(N).map((callee_number) => ({ callee_number })),
    });
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.json.data.forecast, 'simulated');
    assert.equal(dry.json.data.requested, 8);
    assert.deepEqual(dry.json.data.rounds, [
      {
        round: 1,
        contacts: 7,
        dialled: 4,
        // payer 1, and two each for no answer, busy and voicemail (redial_times 1).
        attempts: 7,
        skipped: { active_elsewhere: 1, dnc: 1, no_window: 1, caps: 1 },
        outcomes: { answered: 1, no_answer: 1, busy: 1, voicemail: 1, not_reached: 3 },
      },
      {
        round: 2,
        contacts: 2,
        dialled: 2,
        attempts: 2,
        skipped: { active_elsewhere: 0, dnc: 0, no_window: 0, caps: 0 },
        outcomes: { no_answer: 1, busy: 1 },
      },
      {
        round: 3,
        contacts: 1,
        dialled: 1,
        attempts: 1,
        skipped: { active_elsewhere: 0, dnc: 0, no_window: 0, caps: 0 },
        outcomes: { no_answer: 1 },
      },
    ]);
    assert.deepEqual(await counts(), [plansBefore, tasksBefore], 'a dry run writes nothing');
  });

  it('refuses a plan name already taken, as creating the plan would', async () => {
    const body = {
      strategy_id: strategyId,
      start_time: START,
      end_time: END,
      callees: [{ callee_number: '+6281234567040' }],
    };
    const created = await api.post('/service/cloud/plan', { ...body, plan_name: 'taken' });
    assert.equal(created.status, 200, created.text);
    const dry = await api.post('/service/cloud/plan/dryrun', { ...body, plan_name: 'taken' });
    assert.equal(dry.status, 400);
    assert.match(dry.json.message, /plan "taken"/);
    // Without a name there is nothing to collide with.
    assert.equal((await api.post('/service/cloud/plan/dryrun', body)).status, 200);
  });

  it('checks the body as creating the plan would', async () => {
    const bad = await api.post('/service/cloud/plan/dryrun', {
      strategy_id: strategyId,
      callees: [{ callee_number: N.payer }, { callee_number: N.payer }],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /callees\[1\] repeats/);
  });

  it('stops after round 1 on a carrier whose calls cannot be known in advance', async () => {
    const { db, nlu } = server.runtime.services;
    const robot = (await findRobot(db, appId, 4496))!.definition;
    const realCarrier: CallControl = {
      capabilities: {
        playsText: false,
        recognisesSpeech: false,
        audioFrames: true,
        recording: 'audio',
        bridging: true,
      },
      originate: () => Promise.reject(new Error('a dry run must not dial')),
    };
    const forecast = await forecastPlan(
      db,
      { forecaster: forecasterOf(realCarrier), nlu: nlu ?? new KeywordNlu() },
      {
        appId,
        app: {
          timezone: 'UTC',
          calling_windows: null,
          contact_caps: null,
          auto_dnc_on_optout: false,
        },
        rounds: [{ redial_times: 2 }, {}],
        robots: [robot, robot],
        callees: [N.payer, N.listed, N.noAnswer].map((number, seq) => ({
          seq,
          case_id: '',
          callee_number: number,
          data: { callee_number: number },
        })),
        start: new Date('2030-01-07T00:00:00Z'),
        end: new Date('2030-01-08T00:00:00Z'),
      },
    );
    assert.equal(forecast.forecast, 'first_round_only');
    assert.deepEqual(forecast.rounds, [
      {
        round: 1,
        contacts: 3,
        dialled: 2,
        attempts: null,
        skipped: { active_elsewhere: 0, dnc: 1, no_window: 0, caps: 0 },
        outcomes: null,
      },
      { round: 2, contacts: null, dialled: null, attempts: null, skipped: null, outcomes: null },
    ]);
  });

  async function counts() {
    const [row] = await server.store.db.query<{ plans: number; tasks: number }>(
      'SELECT (SELECT count(*) FROM plans) AS plans, (SELECT count(*) FROM tasks) AS tasks',
    );
    return [Number(row!.plans), Number(row!.tasks)];
  }
});
