import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// A week of calling in a few real seconds per simulated day: a three-round plan over 2,000
// contacts in five time zones, on the business clock TILLER_SIMULATED_START starts and
// TILLER_TIME_SCALE speeds up. Every call the plan makes is then checked against rules this
// test states on its own (the country windows of docs/compliance.md, the default caps, the DNC
// list), and every round against the dry run's forecast.

const SCALE = 8_000; // a simulated day in 10.8 s
const MONDAY = new Date('2026-11-23T00:00:00Z');
const DAY_MS = 86_400_000;

interface Zone {
  prefix: string;
  zone: string;
  days: number[];
  start: number; // minutes after local midnight
  end: number;
}
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const ZONES: Zone[] = [
  { prefix: '+62812', zone: 'Asia/Jakarta', days: [1, 2, 3, 4, 5, 6], start: 480, end: 1200 },
  { prefix: '+91987', zone: 'Asia/Kolkata', days: EVERY_DAY, start: 480, end: 1140 },
  { prefix: '+63917', zone: 'Asia/Manila', days: EVERY_DAY, start: 360, end: 1320 },
  { prefix: '+1212', zone: 'America/New_York', days: EVERY_DAY, start: 480, end: 1260 },
  { prefix: '+1213', zone: 'America/Los_Angeles', days: EVERY_DAY, start: 480, end: 1260 },
];
const PER_ZONE = 400;
const DNC_EVERY = 40; // every 40th contact is on the do-not-call list: 50 numbers

function contactNumber(zone: Zone, i: number): string {
  // Six digits after the prefix: the last three pick the persona (docs/simulator.md).
  const tail = String(234_000 + i).padStart(6, '0');
  return zone.prefix === '+1212' || zone.prefix === '+1213'
    ? `${zone.prefix}2${tail}`
    : `${zone.prefix}1${tail}`;
}

const weekdayIndex: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

/** Weekday (1 = Monday), minutes after midnight and calendar date of `at` in `zone`. */
function local(at: Date, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    weekday: weekdayIndex[parts.weekday!]!,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

interface RoundForecast {
  round: number;
  contacts: number;
  dialled: number;
  attempts: number;
  skipped: Record<string, number>;
}

describe(`a simulated week of a three-round plan (${storeKind})`, () => {
  let server: TestServer;
  let appKey: string;
  let appSecret: string;
  const zoneOf = new Map<string, Zone>();
  const dnc = new Set<string>();
  let forecast: { forecast: string; requested: number; rounds: RoundForecast[] };
  let planId: string;

  before(async () => {
    server = await startTestServer({
      config: {
        timeScale: SCALE,
        simulatedStart: MONDAY,
        // The country packs, not the suite's always-open windows.
        defaultCallingWindows: null,
        recordings: false,
        pollIntervalMs: 20,
        appConcurrency: 500,
        taskConcurrency: 500,
      },
    });
    const app = await server.runtime.services.auth.createApp({ name: 'week' });
    ({ appKey, appSecret } = app);
  });
  after(() => server.close());

  // Tokens live 24 simulated hours: ask for one per use, as a long-running integration would.
  const api = async () => client(server.url, await tokenFor(server.url, appKey, appSecret));

  it('forecasts the plan with a dry run', async () => {
    const callees = [];
    for (const zone of ZONES) {
      for (let i = 0; i < PER_ZONE; i++) {
        const number = contactNumber(zone, i);
        zoneOf.set(number, zone);
        callees.push({ callee_number: number, case_id: `case-${number.slice(1)}` });
      }
    }
    for (const [k, c] of callees.entries()) if (k % DNC_EVERY === 7) dnc.add(c.callee_number);
    const client1 = await api();
    assert.equal((await client1.post('/v1/dnc', { numbers: [...dnc] })).status, 200);

    const strategy = await client1.post('/v1/strategies', {
      name: 'week',
      rounds: [
        // Round 1: a second try for numbers that did not connect, never twice in one local day.
        { robot_id: '4496', redial_times: 1, redial_interval: 60, attempts_per_day: 1 },
        // Round 2, four hours later: voicemail and unreached numbers, two tries two hours apart.
        {
          redial: { outcomes: ['no_answer', 'busy', 'voicemail'] },
          interval_minutes: 240,
          redial_times: 1,
          redial_interval: 120,
        },
        // Round 3: what still did not answer, once more, with the reminder robot.
        { redial: { outcomes: ['no_answer', 'busy'] }, interval_minutes: 240, robot_id: '4499' },
      ],
    });
    assert.equal(strategy.status, 200, strategy.text);

    const body = {
      plan_name: 'week',
      strategy_id: strategy.json.data.strategy_id,
      // The rounds take about four simulated days here. The plan may run three weeks, so a
      // loaded machine that dials more slowly (the clock does not wait for it) still finishes
      // every round rather than expiring numbers the forecast counts as dialled.
      end_time: '2026-12-14 00:00:00',
      callees,
    };
    const dry = await client1.post('/service/cloud/plan/dryrun', body);
    assert.equal(dry.status, 200, dry.text);
    forecast = dry.json.data;
    assert.equal(forecast.forecast, 'simulated');
    assert.equal(forecast.requested, 2_000);
    assert.equal(forecast.rounds.length, 3);
    const [r1, r2, r3] = forecast.rounds as [RoundForecast, RoundForecast, RoundForecast];
    assert.equal(r1.contacts, 2_000);
    assert.deepEqual(r1.skipped, { active_elsewhere: 0, dnc: dnc.size, no_window: 0, caps: 0 });
    assert.equal(r1.dialled, 2_000 - dnc.size);
    // Each later round takes in only what the one before left unanswered.
    assert.ok(r2.contacts > 0 && r2.contacts < r1.dialled, JSON.stringify(r2));
    assert.ok(r3.contacts > 0 && r3.contacts <= r2.contacts, JSON.stringify(r3));
    // Nothing was written: no plan, no task.
    const [tasks] = await server.store.db.query<{ n: number }>('SELECT count(*) AS n FROM tasks');
    assert.equal(Number(tasks!.n), 0);

    const created = await client1.post('/service/cloud/plan', body);
    assert.equal(created.status, 200, created.text);
    planId = created.json.data.plan_id;
  });

  it('runs the week: every round as forecast, every call inside its rules', async (t) => {
    await waitFor(
      'the plan to finish',
      async () => {
        const [plan] = await server.store.db.query<{ status: string }>(
          'SELECT status FROM plans WHERE id = $1',
          [planId],
        );
        return plan?.status === 'Finished' ? true : undefined;
      },
      300_000,
    );
    const rounds = await (await api()).get(`/service/cloud/plan/rounds?plan_id=${planId}`);
    assert.equal(rounds.status, 200, rounds.text);
    const list: Array<{
      round: number;
      total_count: number;
      called_count: number;
      start_time: string;
      end_time: string;
    }> = rounds.json.data.list;
    const actual = list.map((r) => ({
      round: r.round,
      contacts: r.total_count,
      dialled: r.called_count,
    }));
    const expected = forecast.rounds.map((r) => ({
      round: r.round,
      contacts: r.contacts,
      dialled: r.dialled,
    }));
    // How much of the week the plan used: the margin left before windows run out.
    t.diagnostic(list.map((r) => `round ${r.round}: ${r.start_time} - ${r.end_time}`).join('; '));
    assert.deepEqual(actual, expected, JSON.stringify(list));

    const calls = await server.store.db.query<{
      callee_number: string;
      started_at: Date;
      round: number;
    }>(
      `SELECT k.callee_number, k.started_at, t.round FROM calls k JOIN tasks t ON t.id = k.task_id
       WHERE t.plan_id = $1 AND (k.outcome IS NULL OR k.outcome NOT IN ('interrupted', 'not_dialled'))
       ORDER BY k.started_at`,
      [planId],
    );
    assert.equal(
      calls.length,
      forecast.rounds.reduce((n, r) => n + r.attempts, 0),
      'attempts as forecast',
    );
    const byNumber = new Map<string, typeof calls>();
    for (const call of calls) {
      // Inside the window of the callee's zone, on an allowed weekday, at the local time it began.
      const zone = zoneOf.get(call.callee_number)!;
      const at = local(call.started_at, zone.zone);
      assert.ok(
        zone.days.includes(at.weekday) && at.minutes >= zone.start && at.minutes < zone.end,
        `${call.callee_number} called at ${call.started_at.toISOString()}, ${at.date} ${at.minutes} min local`,
      );
      assert.ok(
        call.started_at >= MONDAY && call.started_at.getTime() < MONDAY.getTime() + 21 * DAY_MS,
      );
      byNumber.set(call.callee_number, [...(byNumber.get(call.callee_number) ?? []), call]);
    }
    // The default caps: three a local day and seven in any 168 hours, per number (and per case:
    // one case per number here); round 1's own rule: one attempt a local day.
    for (const [number, list] of byNumber) {
      const zone = zoneOf.get(number)!.zone;
      const perDay = new Map<string, number>();
      const roundOnePerDay = new Map<string, number>();
      for (const [i, call] of list.entries()) {
        const day = local(call.started_at, zone).date;
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
        if (call.round === 1) roundOnePerDay.set(day, (roundOnePerDay.get(day) ?? 0) + 1);
        const inWeek = list
          .slice(0, i + 1)
          .filter((c) => call.started_at.getTime() - c.started_at.getTime() < 7 * DAY_MS);
        assert.ok(inWeek.length <= 7, `${number}: ${inWeek.length} calls in 7 days`);
      }
      for (const [day, n] of perDay) assert.ok(n <= 3, `${number}: ${n} calls on ${day}`);
      for (const [day, n] of roundOnePerDay)
        assert.ok(n <= 1, `${number}: ${n} round-1 calls on ${day}`);
    }
    // Each number the carrier never rang still ended with one terminal record of its own.
    const [silent] = await server.store.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM callees c JOIN tasks t ON t.id = c.task_id
       WHERE t.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.callee_id = c.id AND k.state = 'final')`,
      [planId],
    );
    assert.equal(Number(silent!.n), 0, 'every number of every round has its terminal report');
    // No number on the do-not-call list reached the carrier (its own ledger, not our tables).
    const dialled = new Set(server.carrier.ledger.map((d) => d.to));
    assert.deepEqual(
      [...dnc].filter((n) => dialled.has(n)),
      [],
    );
    assert.equal(server.carrier.ledger.length, calls.length);
  });
});
