import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Value } from 'typebox/value';
import { BUILTIN_STRATEGIES } from '../../src/modules/plans/builtin-strategies.ts';
import { CreateStrategy } from '../../src/modules/plans/plans.schema.ts';
import { ScaledClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Built-in strategies (issue 9): a brand-new app lists them and runs a plan with one at once.

describe(`built-in strategies (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;

  before(async () => {
    // Business time 1000x: the 60-minute gaps between rounds take 3.6 s.
    server = await startTestServer({ clock: new ScaledClock(new Date(), 1000) });
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'brand-new',
      webhookUrl: receiver.url,
    });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('are valid strategies: one round, three rounds redialling no-answer and busy, a next-day round', () => {
    for (const s of BUILTIN_STRATEGIES)
      assert.ok(Value.Check(CreateStrategy, { name: s.name, rounds: s.rounds }), s.name);
    const byName = new Map(BUILTIN_STRATEGIES.map((s) => [s.name, s.rounds]));
    assert.equal(byName.get('Builtin_One_Round')?.length, 1);
    const three = byName.get('Builtin_Three_Rounds_Redial_NoAnswer_Busy')!;
    assert.deepEqual(
      three.slice(1).map((r) => r.redial?.outcomes),
      [
        ['no_answer', 'busy'],
        ['no_answer', 'busy'],
      ],
    );
    assert.equal(byName.get('Builtin_Next_Day_Round')?.[1]?.interval_minutes, 1440);
  });

  it('are listed for a new app, in both lists', async () => {
    for (const path of ['/service/cloud/strategy', '/v1/strategies']) {
      const r = await api.get(path);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.json.data.list.map(
          (s: { strategy_id: string; strategy_name: string; builtin: boolean }) => [
            s.strategy_id,
            s.strategy_name,
            s.builtin,
          ],
        ),
        BUILTIN_STRATEGIES.map((s) => [String(s.id), s.name, true]),
      );
    }
  });

  it('run a plan of a new app at once', async () => {
    const created = await api.post('/service/cloud/plan', {
      plan_name: 'first_plan',
      strategy_id: '9002',
      robot_id: '4496',
      // Busy (6) in rounds 1-3; cooperative (0) done in round 1.
      callees: [{ callee_number: '+6281366660006' }, { callee_number: '+6281366660000' }],
    });
    assert.equal(created.status, 200, created.text);
    const planId = created.json.data.plan_id;
    const event = await waitFor(
      'the plan webhook',
      () =>
        receiver.requests
          .map((r) => JSON.parse(r.body))
          .find((e) => e.plan_id === planId && e.total_rounds !== undefined),
      60_000,
    );
    assert.equal(event.status, 'Finished');
    assert.equal(event.strategy_id, '9002');
    assert.deepEqual(
      event.rounds.map((r: { round: number; status: string }) => [r.round, r.status]),
      [
        [1, 'Finished'],
        [2, 'Finished'],
        [3, 'Finished'],
      ],
    );
    const rounds = await api.get(`/service/cloud/plan/rounds?plan_id=${planId}`);
    assert.deepEqual(
      rounds.json.data.list.map((r: { total_count: number }) => r.total_count),
      [2, 1, 1],
    );
  });

  it('keep their names: an app cannot create a strategy under a built-in name', async () => {
    const r = await api.post('/v1/strategies', {
      name: 'builtin_one_round',
      rounds: [{ robot_id: '4496' }],
    });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /built-in strategy/);
  });
});
