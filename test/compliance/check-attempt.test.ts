import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkAttempt,
  checkAttempts,
  type AttemptContext,
} from '../../src/modules/compliance/compliance.service.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { seedApp, seedCall, seedTask } from './seed.ts';

describe(`checkAttempt (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });

  const context = (appId: number, over: Partial<AttemptContext>): AttemptContext => ({
    appId,
    number: '+6281200000001',
    caseId: '',
    contactZone: undefined,
    appZone: 'Asia/Jakarta',
    appWindows: null,
    taskWindows: null,
    contactCaps: null,
    now: new Date('2024-06-10T03:00:00Z'), // Monday 10:00 WIB
    ...over,
  });

  it('allows an attempt in the window and under the caps, with the audit to store', async () => {
    const appId = await seedApp(store.db);
    const check = await checkAttempt(store.db, context(appId, {}));
    assert.equal(check.allowed, true);
    assert.equal(check.nextOpen, undefined);
    assert.deepEqual(check.audit, {
      version: 1,
      decision: 'allowed',
      checked_at: '2024-06-10T03:00:00.000Z',
      zone: {
        zone: 'Asia/Jakarta',
        source: 'country',
        country: 'ID',
        local_time: '2024-06-10 10:00:00',
        other_zones: [],
      },
      window: {
        rule: 'ID',
        origin: 'country',
        source: check.audit.window.source,
        windows: [{ days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' }],
        open: true,
        widens_pack: false,
      },
      caps: {
        limits: {
          per_number: { day: 3, rolling_7_days: 7 },
          per_case: { day: 3, rolling_7_days: 7 },
        },
        counts: { number_day: 0, number_7d: 0, case_day: 0, case_7d: 0, task_day: 0 },
        day_start: '2024-06-09T17:00:00.000Z',
        within: true,
      },
    });
    assert.match(check.audit.window.source, /POJK 22\/2023/);

    // The record is plain JSON: it goes into calls.compliance and comes back unchanged.
    const task = await seedTask(store.db, appId);
    await seedCall(store.db, appId, task, {
      number: '+6281200000001',
      startedAt: '2024-06-10T03:00:00Z',
    });
    await store.db.query(`UPDATE calls SET compliance = $2 WHERE app_id = $1`, [
      appId,
      check.audit,
    ]);
    const [row] = await store.db.query<{ compliance: unknown }>(
      'SELECT compliance FROM calls WHERE app_id = $1',
      [appId],
    );
    assert.deepEqual(row!.compliance, check.audit);
  });

  it('defers a number outside its window to the next opening in its own zone', async () => {
    const appId = await seedApp(store.db);
    // 07:00 in Los Angeles (app in Jakarta): the callee's zone decides.
    const check = await checkAttempt(
      store.db,
      context(appId, { number: '+13105550123', now: new Date('2024-06-10T14:00:00Z') }),
    );
    assert.equal(check.allowed, false);
    assert.equal(check.nextOpen?.toISOString(), '2024-06-10T15:00:00.000Z');
    assert.equal(check.audit.decision, 'deferred');
    assert.equal(check.audit.blocked_by, 'window');
    assert.equal(check.audit.next_open, '2024-06-10T15:00:00.000Z');
    assert.equal(check.audit.zone.local_time, '2024-06-10 07:00:00');
    assert.equal(check.audit.zone.source, 'area');
    assert.equal(check.audit.zone.region, 'California');
  });

  it('moves a caps deferral that ends at night to the next window', async () => {
    const appId = await seedApp(store.db);
    const [t1, t2] = [await seedTask(store.db, appId), await seedTask(store.db, appId)];
    for (const [task, startedAt] of [
      [t1, '2024-06-10T02:00:00Z'],
      [t2, '2024-06-10T05:00:00Z'],
      [t1, '2024-06-10T09:00:00Z'],
    ] as const) {
      await seedCall(store.db, appId, task, { number: '+6281200000001', startedAt });
    }
    // Monday 19:00 WIB: three attempts today. Midnight frees the day cap, but the window opens
    // only at 08:00 on Tuesday.
    const check = await checkAttempt(
      store.db,
      context(appId, { now: new Date('2024-06-10T12:00:00Z') }),
    );
    assert.equal(check.allowed, false);
    assert.equal(check.audit.blocked_by, 'caps');
    assert.deepEqual(check.audit.caps.exceeded, ['number_day']);
    assert.equal(check.audit.caps.counts.number_day, 3);
    assert.equal(check.nextOpen?.toISOString(), '2024-06-11T01:00:00.000Z');
  });

  it("holds a number at its round's own attempts per day, counting that task only", async () => {
    const appId = await seedApp(store.db);
    const [round, other] = [await seedTask(store.db, appId), await seedTask(store.db, appId)];
    await seedCall(store.db, appId, other, {
      number: '+6281200000001',
      startedAt: '2024-06-10T01:30:00Z',
    });
    const ctx = (taskAttemptsPerDay: number) =>
      context(appId, { taskId: round, taskAttemptsPerDay });
    // The other task's call counts for the app's caps, not for this round's own limit.
    assert.equal((await checkAttempt(store.db, ctx(1))).allowed, true);
    await seedCall(store.db, appId, round, {
      number: '+6281200000001',
      startedAt: '2024-06-10T02:00:00Z',
    });
    const held = await checkAttempt(store.db, ctx(1));
    assert.equal(held.allowed, false);
    assert.deepEqual(held.audit.caps.exceeded, ['task_day']);
    assert.equal(held.audit.caps.counts.task_day, 1);
    assert.equal(held.audit.caps.task_per_day, 1);
    // A new local day starts at midnight; its window opens at 08:00 WIB.
    assert.equal(held.nextOpen?.toISOString(), '2024-06-11T01:00:00.000Z');
    assert.equal((await checkAttempt(store.db, ctx(2))).allowed, true);
  });

  it('counts the attempts a batch allows for the later contacts of the same batch', async () => {
    const appId = await seedApp(store.db);
    const oncePerDay = { per_number: { day: 1 }, per_case: { day: 1 } };
    const ctx = (number: string, caseId = '') =>
      context(appId, { number, caseId, contactCaps: oncePerDay });
    await seedCall(store.db, appId, await seedTask(store.db, appId), {
      number: '+6281200000009',
      startedAt: '2024-06-10T01:30:00Z',
    });
    const checks = await checkAttempts(store.db, [
      ctx('+6281200000001'),
      // The same number again: the first one used its day.
      ctx('+6281200000001'),
      // Other numbers without a case do not share a "case" with anyone.
      ctx('+6281200000002'),
      ctx('+6281200000003'),
      // A case shared with the next contact, on another number.
      ctx('+6281200000004', 'loan-7'),
      ctx('+6281200000005', 'loan-7'),
      // Already called today, outside this batch.
      ctx('+6281200000009'),
    ]);
    assert.deepEqual(
      checks.map((c) => c.allowed),
      [true, false, true, true, true, false, false],
    );
    assert.deepEqual(checks[1]!.audit.caps.exceeded, ['number_day']);
    assert.equal(checks[1]!.audit.caps.counts.number_day, 1);
    assert.deepEqual(checks[5]!.audit.caps.exceeded, ['case_day']);
    assert.equal(checks[6]!.audit.caps.counts.number_day, 1);
  });

  it('applies the task override over the app override and flags a widening', async () => {
    const appId = await seedApp(store.db);
    const check = await checkAttempt(
      store.db,
      context(appId, {
        // Sunday 09:00 WIB: closed by the Indonesian pack, open by the task's own rule.
        now: new Date('2024-06-09T02:00:00Z'),
        appWindows: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
        taskWindows: { ID: [{ days: [7], start: '09:00', end: '12:00' }] },
      }),
    );
    assert.equal(check.allowed, true);
    assert.equal(check.audit.window.rule, 'task override');
    assert.equal(check.audit.window.origin, 'task');
    assert.equal(check.audit.window.widens_pack, true);
  });

  it('uses the default caps when the stored ones cannot be read, and says so', async () => {
    const appId = await seedApp(store.db, { contactCaps: { per_number: { day: 0 } } });
    // As the dialer will: the app row's jsonb goes in as read.
    const [app] = await store.db.query<{ contact_caps: unknown }>(
      'SELECT contact_caps FROM apps WHERE id = $1',
      [appId],
    );
    const check = await checkAttempt(store.db, context(appId, { contactCaps: app!.contact_caps }));
    assert.equal(check.allowed, true);
    assert.equal(check.audit.caps.limits.per_number.day, 3);
    assert.equal(check.audit.caps.ignored, 'contact_caps.per_number.day must be 1-1000 or null');
  });

  it("honours the contact's own zone and checks every zone of a split area code", async () => {
    const appId = await seedApp(store.db);
    // 20:30 in Pensacola is 21:30 in Tallahassee: same area code 850, not allowed.
    const split = await checkAttempt(
      store.db,
      context(appId, { number: '+18505550123', now: new Date('2024-06-11T01:30:00Z') }),
    );
    assert.equal(split.allowed, false);
    assert.deepEqual(split.audit.zone.other_zones, [
      { zone: 'America/New_York', local_time: '2024-06-10 21:30:00', open: false },
    ]);
    assert.equal(split.nextOpen?.toISOString(), '2024-06-11T13:00:00.000Z');
    // The contact says Pensacola: only Central time applies.
    const own = await checkAttempt(
      store.db,
      context(appId, {
        number: '+18505550123',
        contactZone: 'America/Chicago',
        now: new Date('2024-06-11T01:30:00Z'),
      }),
    );
    assert.equal(own.allowed, true);
    assert.equal(own.audit.zone.source, 'contact');
  });
});
