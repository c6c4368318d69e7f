import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PACK, RULE_PACKS, packFor } from '../../src/modules/compliance/rule-packs.ts';
import { parseOverride, resolveRules } from '../../src/modules/compliance/window-rules.ts';

const nineToSix = [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }];
const eightToNine = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' }];

describe('rule packs and overrides', () => {
  it('ship the packs the issue names, each with a source', () => {
    const windows = (c: string) => packFor(c)?.windows;
    assert.deepEqual(windows('ID'), [{ days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' }]);
    assert.deepEqual(windows('IN'), [
      { days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '19:00' },
    ]);
    assert.deepEqual(windows('US'), eightToNine);
    assert.deepEqual(windows('PH'), [
      { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', end: '22:00' },
    ]);
    assert.equal(packFor('PR'), packFor('US'), 'US territories follow US law');
    assert.equal(packFor('FR'), undefined);
    assert.deepEqual(DEFAULT_PACK.windows, [
      { days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '20:00' },
    ]);
    for (const pack of [...RULE_PACKS, DEFAULT_PACK]) {
      assert.ok(pack.source.length > 40, pack.country);
      assert.deepEqual(
        parseOverride(pack.windows),
        { ok: true, value: pack.windows },
        pack.country,
      );
    }
  });

  it('picks the most specific rules: task > app > country > default', () => {
    const appOverride = [{ days: [1, 2, 3, 4, 5, 6], start: '10:00', end: '17:00' }];
    const country = resolveRules({ country: 'US' });
    assert.equal(country.origin, 'country');
    assert.equal(country.name, 'US');
    const app = resolveRules({ country: 'US', appOverride });
    assert.equal(app.origin, 'app');
    assert.deepEqual(app.windows, appOverride);
    const task = resolveRules({ country: 'US', appOverride, taskOverride: nineToSix });
    assert.equal(task.origin, 'task');
    assert.equal(task.name, 'task override');
    assert.deepEqual(task.windows, nineToSix);
    assert.equal(resolveRules({ country: 'FR' }).origin, 'default');
    assert.equal(resolveRules({}).name, 'DEFAULT');
  });

  it('reads per-country overrides, with "*" for the other countries', () => {
    const override = { ID: nineToSix, '*': eightToNine };
    assert.deepEqual(resolveRules({ country: 'ID', appOverride: override }).windows, nineToSix);
    assert.deepEqual(resolveRules({ country: 'FR', appOverride: override }).windows, eightToNine);
    // Without "*", a country not listed keeps its own pack.
    const onlyId = resolveRules({ country: 'IN', taskOverride: { ID: nineToSix } });
    assert.equal(onlyId.origin, 'country');
    assert.equal(onlyId.name, 'IN');
  });

  it('flags an override that allows more than the pack', () => {
    assert.equal(resolveRules({ country: 'US', taskOverride: nineToSix }).widensPack, false);
    assert.equal(resolveRules({ country: 'IN', taskOverride: eightToNine }).widensPack, true);
    // Sunday calls in Indonesia are outside the pack even at pack hours.
    assert.equal(
      resolveRules({ country: 'ID', appOverride: [{ days: [7], start: '09:00', end: '10:00' }] })
        .widensPack,
      true,
    );
  });

  it('skips an unreadable override for the next rule and says so', () => {
    const r = resolveRules({
      country: 'US',
      appOverride: nineToSix,
      taskOverride: [{ days: [8], start: '09:00', end: '10:00' }],
    });
    assert.equal(r.origin, 'app');
    assert.deepEqual(r.ignored, [
      'task override: windows[0].days must list distinct ISO weekdays 1 (Mon) to 7 (Sun)',
    ]);
  });

  it('rejects malformed windows with a clear message', () => {
    const bad: Array<[unknown, string]> = [
      [[], 'windows must be a list of 1 to 28 windows'],
      ['09:00-18:00', 'windows must be a list or a map'],
      [[{ days: [1], start: '9:00', end: '18:00' }], 'windows[0].start must be HH:MM'],
      [[{ days: [1], start: '09:00', end: '24:01' }], 'windows[0].end must be HH:MM or 24:00'],
      [
        [{ days: [1], start: '20:00', end: '08:00' }],
        'windows[0]: end must be after start (no window crosses midnight)',
      ],
      [
        [{ days: [1, 1], start: '08:00', end: '09:00' }],
        'windows[0].days must list distinct ISO weekdays 1 (Mon) to 7 (Sun)',
      ],
      [{ id: nineToSix }, '"id" is not an ISO country code or "*"'],
    ];
    for (const [value, error] of bad) assert.deepEqual(parseOverride(value), { ok: false, error });
    assert.deepEqual(parseOverride(null), { ok: true, value: null });
    assert.deepEqual(parseOverride([{ days: [7, 1], start: '00:00', end: '24:00' }]), {
      ok: true,
      value: [{ days: [1, 7], start: '00:00', end: '24:00' }],
    });
  });
});
