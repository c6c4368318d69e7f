// DST edges of the zone arithmetic (issue 10: Luxon under shared/time.ts and zoned-time.ts).
// New York changes at 02:00 local (07:00Z in March, 06:00Z in November), Paris at 01:00Z.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateWindow } from '../../src/modules/compliance/calling-window.ts';
import { formatDateTime, isTimeZone, parseDateTime } from '../../src/shared/time.ts';
import {
  addDays,
  instantAtOrAfter,
  localMoment,
  startOfLocalDay,
} from '../../src/shared/zoned-time.ts';

const NY = 'America/New_York';
const PARIS = 'Europe/Paris';
const iso = (d: Date | undefined) => d?.toISOString();
const everyDay = (start: string, end: string) => ({
  name: 'test',
  windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start, end }],
});

describe('a calling window across a DST change', () => {
  it('opens at 08:00 local on both sides of the Paris spring change', () => {
    const rules = everyDay('08:00', '20:00');
    // Saturday 2024-03-30 20:30 CET (UTC+1): the next opening is Sunday 08:00 CEST (UTC+2).
    const sat = evaluateWindow(rules, PARIS, new Date('2024-03-30T19:30:00Z'));
    assert.equal(sat.allowed, false);
    assert.equal(sat.localTime, '2024-03-30 20:30:00');
    assert.equal(iso(sat.nextOpen), '2024-03-31T06:00:00.000Z');
    assert.equal(evaluateWindow(rules, PARIS, new Date('2024-03-31T05:59:59Z')).allowed, false);
    assert.equal(evaluateWindow(rules, PARIS, new Date('2024-03-31T06:00:00Z')).allowed, true);
  });

  it('keeps a window that spans the Paris autumn change open through the repeated hour', () => {
    const rules = everyDay('01:00', '04:00');
    // 2024-10-27: 02:00-03:00 happens twice (CEST, then CET); the window lasts four real hours.
    assert.equal(evaluateWindow(rules, PARIS, new Date('2024-10-26T22:59:59Z')).allowed, false);
    for (const t of ['2024-10-26T23:00:00Z', '2024-10-27T00:30:00Z', '2024-10-27T01:30:00Z']) {
      assert.equal(evaluateWindow(rules, PARIS, new Date(t)).allowed, true, t);
    }
    const closed = evaluateWindow(rules, PARIS, new Date('2024-10-27T03:00:00Z'));
    assert.equal(closed.localTime, '2024-10-27 04:00:00');
    assert.equal(closed.allowed, false);
  });

  it('closes a New York evening window at 21:00 local on the day the clocks go back', () => {
    const rules = everyDay('08:00', '21:00');
    // Sunday 2024-11-03 is 25 hours long; 21:00 EST is 02:00Z on Monday.
    assert.equal(evaluateWindow(rules, NY, new Date('2024-11-04T01:59:59Z')).allowed, true);
    const late = evaluateWindow(rules, NY, new Date('2024-11-04T02:00:00Z'));
    assert.equal(late.allowed, false);
    assert.equal(iso(late.nextOpen), '2024-11-04T13:00:00.000Z');
  });
});

describe('a local time that does not exist', () => {
  it('is read with the offset from before the jump (RFC 5545, Temporal "compatible")', () => {
    // 02:30 never shows in New York on 2024-03-10 nor in Paris on 2024-03-31: 03:30 does.
    assert.equal(iso(parseDateTime('2024-03-10 02:30:00', NY)), '2024-03-10T07:30:00.000Z');
    assert.equal(iso(parseDateTime('2024-03-31 02:30:00', PARIS)), '2024-03-31T01:30:00.000Z');
    assert.equal(
      formatDateTime(parseDateTime('2024-03-31 02:30:00', PARIS)!, PARIS),
      '2024-03-31 03:30:00',
    );
  });

  it('starts a window rule at the instant the clocks jump', () => {
    const paris = instantAtOrAfter({ year: 2024, month: 3, day: 31 }, 2.5 * 3600, PARIS);
    assert.equal(paris.toISOString(), '2024-03-31T01:00:00.000Z');
    const ny = instantAtOrAfter({ year: 2024, month: 3, day: 10 }, 2 * 3600, NY);
    assert.equal(ny.toISOString(), '2024-03-10T07:00:00.000Z');
  });

  it('gives a skipped midnight the first instant of the day (Santiago, 2024-09-08)', () => {
    // Chile moves 00:00 -> 01:00: the day starts at 01:00 local (UTC-3), 04:00Z.
    const start = startOfLocalDay({ year: 2024, month: 9, day: 8 }, 'America/Santiago');
    assert.equal(start.toISOString(), '2024-09-08T04:00:00.000Z');
    assert.equal(formatDateTime(start, 'America/Santiago'), '2024-09-08 01:00:00');
  });
});

describe('a local time that happens twice', () => {
  it('is read as its first occurrence', () => {
    // New York 2024-11-03 01:30 is first EDT (05:30Z), then EST (06:30Z).
    assert.equal(iso(parseDateTime('2024-11-03 01:30:00', NY)), '2024-11-03T05:30:00.000Z');
    // Paris 2024-10-27 02:30 is first CEST (00:30Z), then CET (01:30Z).
    assert.equal(iso(parseDateTime('2024-10-27 02:30:00', PARIS)), '2024-10-27T00:30:00.000Z');
    const paris = instantAtOrAfter({ year: 2024, month: 10, day: 27 }, 2.5 * 3600, PARIS);
    assert.equal(paris.toISOString(), '2024-10-27T00:30:00.000Z');
  });

  it('shows the same wall clock at both instants', () => {
    for (const t of ['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z']) {
      const local = localMoment(new Date(t), NY);
      assert.deepEqual(local, { year: 2024, month: 11, day: 3, isoDay: 7, seconds: 5400 }, t);
    }
  });
});

describe('local days', () => {
  it('are 23 and 25 hours long on the change days, 24 otherwise', () => {
    const hours = (date: { year: number; month: number; day: number }, zone: string) =>
      (startOfLocalDay(addDays(date, 1), zone).getTime() - startOfLocalDay(date, zone).getTime()) /
      3_600_000;
    assert.equal(hours({ year: 2024, month: 3, day: 10 }, NY), 23);
    assert.equal(hours({ year: 2024, month: 11, day: 3 }, NY), 25);
    assert.equal(hours({ year: 2024, month: 3, day: 31 }, PARIS), 23);
    assert.equal(hours({ year: 2024, month: 10, day: 27 }, PARIS), 25);
    assert.equal(hours({ year: 2024, month: 6, day: 3 }, PARIS), 24);
  });

  it('refuses an unknown zone as Intl does', () => {
    assert.equal(isTimeZone('Mars/Base'), false);
    assert.equal(isTimeZone('Europe/Paris'), true);
    assert.throws(() => formatDateTime(new Date(0), 'Mars/Base'), RangeError);
  });
});

describe('wall times, for any instant', () => {
  const zones = [NY, PARIS, 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu', 'UTC'];
  // 2000-2040: DST rules old and new, and Chile's and Lord Howe's odd ones.
  const instant = fc
    .integer({ min: 946_684_800, max: 2_208_988_800 })
    .map((s) => new Date(s * 1000));

  it("the first instant showing an instant's wall time is that instant or one before it", () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const local = localMoment(t, zone);
        const first = instantAtOrAfter(local, local.seconds, zone);
        assert.ok(first.getTime() <= t.getTime(), `${first.toISOString()} > ${t.toISOString()}`);
        assert.deepEqual(localMoment(first, zone), local);
        // At most the one repeated span of a DST change earlier (an hour; 30 min at Lord Howe).
        assert.ok(t.getTime() - first.getTime() <= 3_600_000);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back what it formats: the same instant, or the first showing that wall time', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const text = formatDateTime(t, zone);
        const back = parseDateTime(text, zone)!;
        assert.equal(formatDateTime(back, zone), text);
        assert.ok(back.getTime() <= t.getTime() && t.getTime() - back.getTime() <= 3_600_000);
      }),
      { numRuns: 300 },
    );
  });
});
