import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTimeZone } from '../../src/shared/time.ts';
import { AUSTRALIA_AREAS } from '../../src/shared/zones/australia-zones.ts';
import { BRAZIL_AREAS } from '../../src/shared/zones/brazil-zones.ts';
import { COUNTRY_ZONES } from '../../src/shared/zones/country-zones.ts';
import { INDONESIA_AREAS } from '../../src/shared/zones/indonesia-zones.ts';
import { MEXICO_AREAS } from '../../src/shared/zones/mexico-zones.ts';
import { NANP_AREAS, NANP_CODE_COUNT } from '../../src/shared/zones/nanp-zones.ts';

describe('zone tables', () => {
  it('name only zones this Node knows', () => {
    const zones = new Set<string>([
      ...Object.values(COUNTRY_ZONES),
      ...[...NANP_AREAS.values()].flatMap((a) => [a.zone, ...a.also]),
      ...[AUSTRALIA_AREAS, BRAZIL_AREAS, INDONESIA_AREAS, MEXICO_AREAS].flatMap((t) =>
        Object.values(t).flatMap((a) => [a.zone, ...(a.also ?? [])]),
      ),
    ]);
    const unknown = [...zones].filter((z) => !isTimeZone(z));
    assert.deepEqual(unknown, []);
  });

  it('list every NANP area code once, as three digits starting 2-9', () => {
    assert.equal(NANP_AREAS.size, NANP_CODE_COUNT, 'an area code appears in two rows');
    for (const code of NANP_AREAS.keys()) assert.match(code, /^[2-9]\d\d$/);
    // Every US state, DC and the Canadian provinces have at least one code.
    assert.ok(NANP_AREAS.size > 400, `only ${NANP_AREAS.size} codes`);
  });

  it('keep toll-free and other non-geographic NANP codes out', () => {
    for (const code of ['800', '833', '844', '855', '866', '877', '888', '500', '600', '900']) {
      assert.equal(NANP_AREAS.get(code), undefined, code);
    }
  });

  it('have two-digit Brazilian DDDs only', () => {
    for (const ddd of Object.keys(BRAZIL_AREAS)) assert.match(ddd, /^[1-9][1-9]$/);
    assert.equal(Object.keys(BRAZIL_AREAS).length, 67);
  });
});
