import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveZone } from '../../src/shared/callee-zone.ts';

const APP = 'Asia/Singapore';
const zoneOf = (number: string) => resolveZone(number, undefined, APP);

describe('callee zone from the number', () => {
  const cases: Array<[string, string, string, 'area' | 'country' | 'app', string?]> = [
    // [label, number, zone, source, country]
    ['New York', '+12125550123', 'America/New_York', 'area', 'US'],
    ['Atlanta', '+14045550123', 'America/New_York', 'area', 'US'],
    ['Chicago', '+13125550123', 'America/Chicago', 'area', 'US'],
    ['Dallas', '+12145550123', 'America/Chicago', 'area', 'US'],
    ['Denver', '+13035550123', 'America/Denver', 'area', 'US'],
    ['El Paso (Mountain, in Texas)', '+19155550123', 'America/Denver', 'area', 'US'],
    ['Phoenix (no DST)', '+16025550123', 'America/Phoenix', 'area', 'US'],
    ['Los Angeles', '+13105550123', 'America/Los_Angeles', 'area', 'US'],
    ['Seattle', '+12065550123', 'America/Los_Angeles', 'area', 'US'],
    ['Anchorage', '+19075550123', 'America/Anchorage', 'area', 'US'],
    ['Honolulu', '+18085550123', 'Pacific/Honolulu', 'area', 'US'],
    ['Detroit', '+13135550123', 'America/Detroit', 'area', 'US'],
    ['Indianapolis', '+13175550123', 'America/Indiana/Indianapolis', 'area', 'US'],
    ['San Juan', '+17875550123', 'America/Puerto_Rico', 'area', 'PR'],
    ['Toronto', '+14165550123', 'America/Toronto', 'area', 'CA'],
    ['Montreal', '+15145550123', 'America/Toronto', 'area', 'CA'],
    ['Vancouver', '+16045550123', 'America/Vancouver', 'area', 'CA'],
    ['Calgary', '+14035550123', 'America/Edmonton', 'area', 'CA'],
    ['Winnipeg', '+12045550123', 'America/Winnipeg', 'area', 'CA'],
    ['Regina (no DST)', '+13065550123', 'America/Regina', 'area', 'CA'],
    ['Halifax', '+19025550123', 'America/Halifax', 'area', 'CA'],
    ["St. John's (UTC-3:30)", '+17095550123', 'America/St_Johns', 'area', 'CA'],
    ['Kingston', '+18765550123', 'America/Jamaica', 'area', 'JM'],
    ['Jakarta landline', '+62215551234', 'Asia/Jakarta', 'area', 'ID'],
    ['Surabaya landline', '+62315551234', 'Asia/Jakarta', 'area', 'ID'],
    ['Medan landline', '+62615551234', 'Asia/Jakarta', 'area', 'ID'],
    ['Pontianak landline (West Kalimantan, WIB)', '+625615551234', 'Asia/Jakarta', 'area', 'ID'],
    ['Denpasar landline (WITA)', '+623615551234', 'Asia/Makassar', 'area', 'ID'],
    ['Makassar landline (WITA)', '+624115551234', 'Asia/Makassar', 'area', 'ID'],
    ['Balikpapan landline (WITA)', '+625425551234', 'Asia/Makassar', 'area', 'ID'],
    ['Kupang landline (WITA)', '+623805551234', 'Asia/Makassar', 'area', 'ID'],
    ['Ambon landline (WIT)', '+629115551234', 'Asia/Jayapura', 'area', 'ID'],
    ['Jayapura landline (WIT)', '+62967555123', 'Asia/Jayapura', 'area', 'ID'],
    ['Indonesian mobile: no area, WIB', '+6281234567890', 'Asia/Jakarta', 'country', 'ID'],
    ['India mobile', '+919876543210', 'Asia/Kolkata', 'country', 'IN'],
    ['Philippines mobile', '+639171234567', 'Asia/Manila', 'country', 'PH'],
    ['Mexico City', '+525512345678', 'America/Mexico_City', 'area', 'MX'],
    ['Tijuana', '+526641234567', 'America/Tijuana', 'area', 'MX'],
    ['Cancún', '+529981234567', 'America/Cancun', 'area', 'MX'],
    ['Hermosillo', '+526621234567', 'America/Hermosillo', 'area', 'MX'],
    ['Mexico City, old +52 1 mobile form', '+5215512345678', 'America/Mexico_City', 'area', 'MX'],
    ['São Paulo mobile', '+5511987654321', 'America/Sao_Paulo', 'area', 'BR'],
    ['Manaus mobile', '+5592987654321', 'America/Manaus', 'area', 'BR'],
    ['Rio Branco mobile', '+5568999999999', 'America/Rio_Branco', 'area', 'BR'],
    ['Sydney landline', '+61298765432', 'Australia/Sydney', 'area', 'AU'],
    ['Brisbane landline', '+61738765432', 'Australia/Brisbane', 'area', 'AU'],
    ['Adelaide landline', '+61881234567', 'Australia/Adelaide', 'area', 'AU'],
    ['Darwin landline', '+61889123456', 'Australia/Darwin', 'area', 'AU'],
    ['Perth landline', '+61893456789', 'Australia/Perth', 'area', 'AU'],
    ['Australian mobile: no area', '+61412345678', 'Australia/Sydney', 'country', 'AU'],
    ['Nepal (UTC+5:45)', '+9779841234567', 'Asia/Kathmandu', 'country', 'NP'],
    ['United Kingdom', '+447700900123', 'Europe/London', 'country', 'GB'],
  ];
  for (const [label, number, zone, source, country] of cases) {
    it(`${label}: ${zone} from the ${source}`, () => {
      const got = zoneOf(number);
      assert.equal(got.zone, zone);
      assert.equal(got.source, source);
      assert.equal(got.country, country);
    });
  }

  it('names the other zones of an area code that spans two', () => {
    assert.deepEqual(zoneOf('+18505550123'), {
      zone: 'America/Chicago',
      source: 'area',
      country: 'US',
      region: 'Florida (panhandle)',
      otherZones: ['America/New_York'],
    });
    assert.deepEqual(zoneOf('+12505550199').otherZones, ['America/Edmonton']);
    assert.deepEqual(zoneOf('+12125550123').otherZones, []);
  });

  it('falls back to the app zone for what cannot be placed', () => {
    for (const number of ['not a number', '', '+999123', '+80012345678']) {
      const got = zoneOf(number);
      assert.equal(got.zone, APP, number);
      assert.equal(got.source, 'app', number);
    }
  });

  it("takes the contact's own valid zone over the number", () => {
    const got = resolveZone('+12125550123', 'America/Los_Angeles', APP);
    assert.deepEqual(got, {
      zone: 'America/Los_Angeles',
      source: 'contact',
      country: 'US',
      otherZones: [],
    });
    // A Papuan on a mobile: only the contact's field can say so.
    assert.equal(resolveZone('+6281234567890', 'Asia/Jayapura', APP).zone, 'Asia/Jayapura');
  });

  it('ignores a contact zone that is not a real zone', () => {
    for (const bad of ['Mars/Olympus', '', 7, null, { zone: 'Asia/Jakarta' }, 'WIB']) {
      const got = resolveZone('+624115551234', bad, APP);
      assert.equal(got.zone, 'Asia/Makassar', String(bad));
      assert.equal(got.source, 'area');
    }
  });
});
