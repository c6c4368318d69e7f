import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateWindow,
  evaluateWindowAcross,
} from '../../src/modules/compliance/calling-window.ts';
import { resolveRules } from '../../src/modules/compliance/window-rules.ts';

const US = resolveRules({ country: 'US' });
const IN = resolveRules({ country: 'IN' });
const ID = resolveRules({ country: 'ID' });
const CA = resolveRules({ country: 'CA' });
const DEFAULT = resolveRules({ country: 'ZZ' });
const at = (iso: string) => new Date(iso);
const NY = 'America/New_York';

describe('calling window', () => {
  it('opens at 08:00:00 and closes at 21:00:00 sharp for the US (EDT)', () => {
    // 2024-06-03 is a Monday; New York is UTC-4.
    const closedEarly = evaluateWindow(US, NY, at('2024-06-03T11:59:59Z'));
    assert.equal(closedEarly.allowed, false);
    assert.equal(closedEarly.localTime, '2024-06-03 07:59:59');
    assert.equal(closedEarly.nextOpen?.toISOString(), '2024-06-03T12:00:00.000Z');

    const open = evaluateWindow(US, NY, at('2024-06-03T12:00:00Z'));
    assert.deepEqual(
      { allowed: open.allowed, localTime: open.localTime, zone: open.zone, rule: open.rule },
      { allowed: true, localTime: '2024-06-03 08:00:00', zone: NY, rule: 'US' },
    );
    assert.equal(open.nextOpen, undefined);

    assert.equal(evaluateWindow(US, NY, at('2024-06-04T00:59:59Z')).allowed, true); // 20:59:59
    const late = evaluateWindow(US, NY, at('2024-06-04T01:00:00Z')); // 21:00:00
    assert.equal(late.allowed, false);
    assert.equal(late.localTime, '2024-06-03 21:00:00');
    // Across midnight: tomorrow 08:00 local.
    assert.equal(late.nextOpen?.toISOString(), '2024-06-04T12:00:00.000Z');
  });

  it('finds the next opening across the spring-forward change in New York', () => {
    // Saturday 2024-03-09 21:30 EST; clocks jump 02:00 -> 03:00 on Sunday, 08:00 is EDT (UTC-4).
    const d = evaluateWindow(US, NY, at('2024-03-10T02:30:00Z'));
    assert.equal(d.localTime, '2024-03-09 21:30:00');
    assert.equal(d.nextOpen?.toISOString(), '2024-03-10T12:00:00.000Z');
    assert.equal(evaluateWindow(US, NY, at('2024-03-10T11:59:59Z')).allowed, false);
    assert.equal(evaluateWindow(US, NY, at('2024-03-10T12:00:00Z')).allowed, true);
  });

  it('finds the next opening across the fall-back change in New York', () => {
    // Saturday 2024-11-02 22:00 EDT; Sunday 08:00 is EST (UTC-5), 25 hours of day.
    const d = evaluateWindow(US, NY, at('2024-11-03T02:00:00Z'));
    assert.equal(d.localTime, '2024-11-02 22:00:00');
    assert.equal(d.nextOpen?.toISOString(), '2024-11-03T13:00:00.000Z');
    assert.equal(evaluateWindow(US, NY, at('2024-11-03T12:59:59Z')).allowed, false);
  });

  it('opens a window that starts inside a skipped hour when the clocks jump', () => {
    const rules = { name: 'night', windows: [{ days: [7], start: '02:30', end: '05:00' }] };
    // Sunday 2024-03-10 01:59:59 EST: 02:30 never happens; the window opens at 03:00 EDT.
    const d = evaluateWindow(rules, NY, at('2024-03-10T06:59:59Z'));
    assert.equal(d.allowed, false);
    assert.equal(d.nextOpen?.toISOString(), '2024-03-10T07:00:00.000Z');
    assert.equal(evaluateWindow(rules, NY, at('2024-03-10T07:00:00Z')).allowed, true);
  });

  it('skips a window that lies wholly inside a skipped hour', () => {
    const rules = { name: 'gap', windows: [{ days: [7], start: '02:10', end: '02:50' }] };
    const d = evaluateWindow(rules, NY, at('2024-03-10T05:00:00Z'));
    // Not this Sunday (02:10-02:50 does not exist), but the next one, in EDT.
    assert.equal(d.nextOpen?.toISOString(), '2024-03-17T06:10:00.000Z');
  });

  it('handles a half-hour DST shift (Lord Howe Island: 02:00 -> 02:30)', () => {
    const rules = { name: 'x', windows: [{ days: [7], start: '02:15', end: '04:00' }] };
    // Sunday 2024-10-06 01:00 at UTC+10:30; from 02:00 local it is UTC+11, i.e. 02:30.
    const d = evaluateWindow(rules, 'Australia/Lord_Howe', at('2024-10-05T14:30:00Z'));
    assert.equal(d.localTime, '2024-10-06 01:00:00');
    assert.equal(d.nextOpen?.toISOString(), '2024-10-05T15:30:00.000Z');
  });

  it('evaluates India (UTC+5:30) on the half hour', () => {
    const zone = 'Asia/Kolkata';
    const early = evaluateWindow(IN, zone, at('2024-06-03T02:29:59Z'));
    assert.equal(early.localTime, '2024-06-03 07:59:59');
    assert.equal(early.allowed, false);
    assert.equal(early.nextOpen?.toISOString(), '2024-06-03T02:30:00.000Z');
    assert.equal(evaluateWindow(IN, zone, at('2024-06-03T02:30:00Z')).allowed, true);
    assert.equal(evaluateWindow(IN, zone, at('2024-06-03T13:29:59Z')).allowed, true); // 18:59:59
    const late = evaluateWindow(IN, zone, at('2024-06-03T13:30:00Z')); // 19:00:00
    assert.equal(late.allowed, false);
    assert.equal(late.nextOpen?.toISOString(), '2024-06-04T02:30:00.000Z');
  });

  it('evaluates Nepal (UTC+5:45) on the quarter hour', () => {
    const d = evaluateWindow(DEFAULT, 'Asia/Kathmandu', at('2024-06-03T01:00:00Z'));
    assert.equal(d.localTime, '2024-06-03 06:45:00');
    assert.equal(d.nextOpen?.toISOString(), '2024-06-03T02:15:00.000Z');
  });

  it('keeps Indonesian collection off Sundays', () => {
    // Saturday 2024-06-08 20:00 WIB is closed; Sunday is closed all day; Monday 08:00 opens.
    const sat = evaluateWindow(ID, 'Asia/Jakarta', at('2024-06-08T13:00:00Z'));
    assert.equal(sat.allowed, false);
    assert.equal(sat.nextOpen?.toISOString(), '2024-06-10T01:00:00.000Z');
    const sunday = evaluateWindow(ID, 'Asia/Jakarta', at('2024-06-09T05:00:00Z'));
    assert.equal(sunday.localTime, '2024-06-09 12:00:00');
    assert.equal(sunday.allowed, false);
    // The same instant is Monday-morning-like nowhere: WIT is Sunday 14:00, closed too.
    assert.equal(evaluateWindow(ID, 'Asia/Jayapura', at('2024-06-09T05:00:00Z')).allowed, false);
  });

  it('applies weekday and weekend windows (Canada)', () => {
    // Friday 2024-06-07 21:29 and 21:30 Toronto (EDT), then Saturday opens at 10:00.
    assert.equal(evaluateWindow(CA, 'America/Toronto', at('2024-06-08T01:29:00Z')).allowed, true);
    const fri = evaluateWindow(CA, 'America/Toronto', at('2024-06-08T01:30:00Z'));
    assert.equal(fri.allowed, false);
    assert.equal(fri.nextOpen?.toISOString(), '2024-06-08T14:00:00.000Z');
    assert.equal(fri.window, undefined);
  });

  it('requires every zone of a split area code to be open', () => {
    // 20:30 Central = 21:30 Eastern: Pensacola could be called, Tallahassee not.
    const d = evaluateWindowAcross(US, 'America/Chicago', [NY], at('2024-06-04T01:30:00Z'));
    assert.equal(d.allowed, false);
    assert.equal(d.localTime, '2024-06-03 20:30:00');
    assert.deepEqual(d.otherZones, [
      { zone: NY, localTime: '2024-06-03 21:30:00', allowed: false },
    ]);
    // Both are open from 08:00 Central (09:00 Eastern).
    assert.equal(d.nextOpen?.toISOString(), '2024-06-04T13:00:00.000Z');
    const morning = evaluateWindowAcross(US, 'America/Chicago', [NY], at('2024-06-04T12:30:00Z'));
    assert.equal(morning.allowed, false);
    assert.equal(morning.nextOpen?.toISOString(), '2024-06-04T13:00:00.000Z');
    const both = evaluateWindowAcross(US, 'America/Chicago', [NY], at('2024-06-04T13:00:00Z'));
    assert.equal(both.allowed, true);
    assert.equal(both.nextOpen, undefined);
  });

  it('reports no opening when no window can ever open in all zones', () => {
    const rules = {
      name: 'narrow',
      windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '10:00' }],
    };
    const d = evaluateWindowAcross(
      rules,
      'Asia/Jakarta',
      ['Asia/Jayapura'],
      at('2024-06-03T00:00:00Z'),
    );
    assert.equal(d.allowed, false);
    assert.equal(d.nextOpen, undefined);
  });
});
