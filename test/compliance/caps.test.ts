import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_CAPS,
  countAttempts,
  evaluateCaps,
  lockContacts,
  parseCaps,
  type AttemptCounts,
} from '../../src/modules/compliance/caps.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { seedApp, seedCall, seedTask } from './seed.ts';

const JAKARTA = 'Asia/Jakarta';
// Monday 2024-06-10 08:00 WIB.
const NOW = new Date('2024-06-10T01:00:00Z');
const counts = (store: TestStore, appId: number, number: string, caseId = '', zone = JAKARTA) =>
  countAttempts(store.db, appId, { number, caseId, zone, now: NOW });
const pick = ({ number_day, number_7d, case_day, case_7d }: AttemptCounts) => ({
  number_day,
  number_7d,
  case_day,
  case_7d,
});

describe(`contact caps (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });

  it('counts attempts to a number across the tasks of the app, and only that app', async () => {
    const appId = await seedApp(store.db);
    const other = await seedApp(store.db);
    const [t1, t2, t3] = [
      await seedTask(store.db, appId),
      await seedTask(store.db, appId),
      await seedTask(store.db, other),
    ];
    const n = '+6281200000001';
    await seedCall(store.db, appId, t1, { number: n, startedAt: '2024-06-10T00:30:00Z' });
    await seedCall(store.db, appId, t2, {
      number: n,
      startedAt: '2024-06-10T00:40:00Z',
      outcome: 'answered',
    });
    // In progress: an attempt being made counts.
    await seedCall(store.db, appId, t2, {
      number: n,
      startedAt: '2024-06-10T00:50:00Z',
      outcome: null,
    });
    // Our own failure does not count against the callee.
    await seedCall(store.db, appId, t1, {
      number: n,
      startedAt: '2024-06-10T00:55:00Z',
      outcome: 'interrupted',
    });
    // Another app's calls to the same person are that app's business.
    await seedCall(store.db, other, t3, { number: n, startedAt: '2024-06-10T00:45:00Z' });
    // Another number.
    await seedCall(store.db, appId, t1, {
      number: '+6281200000002',
      startedAt: '2024-06-10T00:45:00Z',
    });

    const c = await counts(store, appId, n);
    assert.deepEqual(pick(c), { number_day: 3, number_7d: 3, case_day: 0, case_7d: 0 });
    assert.deepEqual(evaluateCaps(DEFAULT_CAPS, c), {
      allowed: false,
      exceeded: 'number_day',
      exceededAll: ['number_day'],
      // The next midnight in Jakarta.
      nextOpen: new Date('2024-06-10T17:00:00Z'),
    });
    assert.equal(c.day_start.toISOString(), '2024-06-09T17:00:00.000Z');
  });

  it("counts the day in the callee's local calendar", async () => {
    const appId = await seedApp(store.db);
    const task = await seedTask(store.db, appId);
    const n = '+6281200000003';
    await seedCall(store.db, appId, task, { number: n, startedAt: '2024-06-09T16:59:59Z' }); // 23:59:59 WIB Sunday
    await seedCall(store.db, appId, task, { number: n, startedAt: '2024-06-09T17:00:00Z' }); // 00:00:00 WIB Monday
    await seedCall(store.db, appId, task, { number: n, startedAt: '2024-06-10T00:59:59Z' }); // 07:59:59 WIB Monday
    assert.deepEqual(pick(await counts(store, appId, n)), {
      number_day: 2,
      number_7d: 3,
      case_day: 0,
      case_7d: 0,
    });
    // The same attempts seen from Jayapura (UTC+9): the Sunday 23:59:59 WIB one is Monday 01:59 WIT.
    assert.equal((await counts(store, appId, n, '', 'Asia/Jayapura')).number_day, 3);
    // From New York it is still Sunday (21:00 EDT), and all three attempts were made on Sunday.
    const ny = await counts(store, appId, n, '', 'America/New_York');
    assert.equal(ny.number_day, 3);
    assert.equal(ny.day_start.toISOString(), '2024-06-09T04:00:00.000Z');
    assert.equal(ny.next_day_start.toISOString(), '2024-06-10T04:00:00.000Z');
  });

  it('counts the rolling 7 days as the last 168 hours and says when a slot frees up', async () => {
    const appId = await seedApp(store.db);
    const [t1, t2] = [await seedTask(store.db, appId), await seedTask(store.db, appId)];
    const n = '+6281200000004';
    // Exactly 7 days before NOW: already out of the window.
    await seedCall(store.db, appId, t1, { number: n, startedAt: '2024-06-03T01:00:00Z' });
    const starts = [
      '2024-06-03T01:00:01Z',
      '2024-06-04T02:00:00Z',
      '2024-06-05T03:00:00Z',
      '2024-06-06T03:00:00Z',
      '2024-06-07T03:00:00Z',
      '2024-06-08T03:00:00Z',
      '2024-06-09T03:00:00Z',
    ];
    for (const [i, startedAt] of starts.entries()) {
      await seedCall(store.db, appId, i % 2 ? t1 : t2, { number: n, startedAt });
    }
    const c = await counts(store, appId, n);
    assert.deepEqual(pick(c), { number_day: 0, number_7d: 7, case_day: 0, case_7d: 0 });
    assert.deepEqual(evaluateCaps(DEFAULT_CAPS, c), {
      allowed: false,
      exceeded: 'number_7d',
      exceededAll: ['number_7d'],
      nextOpen: new Date('2024-06-10T01:00:01Z'),
    });
    // Lowered to 5: three attempts must age out; the third oldest leaves on 2024-06-12 03:00.
    const five = { ...DEFAULT_CAPS, per_number: { day: 3, rolling_7_days: 5 } };
    assert.equal(evaluateCaps(five, c).nextOpen?.toISOString(), '2024-06-12T03:00:00.000Z');
    // Raised to 8: one more is fine.
    const eight = { ...DEFAULT_CAPS, per_number: { day: 3, rolling_7_days: 8 } };
    assert.deepEqual(evaluateCaps(eight, c), { allowed: true });
  });

  it('counts a case across its numbers and tasks; no case means no case count', async () => {
    const appId = await seedApp(store.db);
    const [t1, t2] = [await seedTask(store.db, appId), await seedTask(store.db, appId)];
    await seedCall(store.db, appId, t1, {
      number: '+6281200000005',
      caseId: 'loan-1',
      startedAt: '2024-06-10T00:10:00Z',
    });
    await seedCall(store.db, appId, t2, {
      number: '+6281200000006',
      caseId: 'loan-1',
      startedAt: '2024-06-10T00:20:00Z',
    });
    await seedCall(store.db, appId, t2, {
      number: '+6281200000007',
      caseId: 'loan-1',
      startedAt: '2024-06-08T00:20:00Z',
    });
    await seedCall(store.db, appId, t2, {
      number: '+6281200000005',
      startedAt: '2024-06-10T00:30:00Z',
    });
    const c = await counts(store, appId, '+6281200000005', 'loan-1');
    assert.deepEqual(pick(c), { number_day: 2, number_7d: 2, case_day: 2, case_7d: 3 });
    const noCase = await counts(store, appId, '+6281200000009', '');
    assert.deepEqual(pick(noCase), { number_day: 0, number_7d: 0, case_day: 0, case_7d: 0 });
    const strict = {
      per_number: { day: null, rolling_7_days: null },
      per_case: { day: 2, rolling_7_days: 3 },
    };
    assert.deepEqual(evaluateCaps(strict, c), {
      allowed: false,
      // The 7-day cap keeps the case waiting longer than the day cap.
      exceeded: 'case_7d',
      exceededAll: ['case_day', 'case_7d'],
      nextOpen: new Date('2024-06-15T00:20:00Z'),
    });
  });

  it('takes the contact locks inside a transaction', async () => {
    const appId = await seedApp(store.db);
    await store.db.transaction(async (tx) => {
      await lockContacts(tx, appId, [
        { number: '+6281200000010', caseId: 'b' },
        { number: '+6281200000010', caseId: '' },
        { number: '+6281200000001', caseId: 'a' },
      ]);
      if (storeKind === 'postgres') {
        // Another connection cannot take the same number's lock while this transaction runs.
        const [row] = await store.db.query<{ got: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS got',
          [`tiller:caps:${appId}:n:+6281200000010`],
        );
        assert.equal(row!.got, false);
      }
    });
  });
});

describe('caps configuration', () => {
  it('defaults absent keys and disables caps set to null', () => {
    assert.deepEqual(parseCaps(null), { ok: true, value: DEFAULT_CAPS });
    assert.deepEqual(parseCaps({ per_case: { rolling_7_days: 7, day: null } }), {
      ok: true,
      value: {
        per_number: { day: 3, rolling_7_days: 7 },
        per_case: { day: null, rolling_7_days: 7 },
      },
    });
  });

  it('rejects what it cannot read, with the path in the message', () => {
    const bad: Array<[unknown, string]> = [
      [[], 'contact_caps must be an object'],
      [{ per_phone: {} }, 'contact_caps.per_phone is not per_number or per_case'],
      [{ per_number: 3 }, 'contact_caps.per_number must be an object'],
      [{ per_number: { week: 3 } }, 'contact_caps.per_number.week is not day or rolling_7_days'],
      [{ per_number: { day: 0 } }, 'contact_caps.per_number.day must be 1-1000 or null'],
      [{ per_case: { day: '3' } }, 'contact_caps.per_case.day must be 1-1000 or null'],
    ];
    for (const [value, error] of bad) assert.deepEqual(parseCaps(value), { ok: false, error });
  });
});
