import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isTimeZone } from './time.ts';
import { AUSTRALIA_AREAS } from './zones/australia-zones.ts';
import { BRAZIL_AREAS } from './zones/brazil-zones.ts';
import { COUNTRY_ZONES } from './zones/country-zones.ts';
import { INDONESIA_AREAS } from './zones/indonesia-zones.ts';
import { MEXICO_AREAS, mexicoNational } from './zones/mexico-zones.ts';
import { NANP_AREAS } from './zones/nanp-zones.ts';
import { lookupPrefix, type AreaZone } from './zones/prefix-table.ts';

/**
 * Where the zone came from, most trusted first: the contact's own `timezone` field, the
 * number's area code, the number's country, or (nothing known) the app's zone. Compliance
 * audits record it, because "the callee's local time" is only as good as this answer.
 */
export type ZoneSource = 'contact' | 'area' | 'country' | 'app';

export interface ZoneResolution {
  zone: string;
  source: ZoneSource;
  /** ISO country of the number, when the number parses; selects the country's rule pack. */
  country?: string;
  /** The area or region the zone was taken from (area tables only), for the audit. */
  region?: string;
  /**
   * Other zones the callee may be in: the number's area code spans several (Florida's 850,
   * British Columbia's 250). A conservative calling window must be open in these too.
   */
  otherZones: readonly string[];
}

/** Area tables by country calling code; each maps the national number's leading digits. */
const AREA_LOOKUPS: Record<string, (national: string) => AreaZone | undefined> = {
  '1': (national) => {
    const area = NANP_AREAS.get(national.slice(0, 3));
    return area && { region: area.region, zone: area.zone, also: area.also };
  },
  '52': (national) => lookupPrefix(MEXICO_AREAS, mexicoNational(national)),
  '55': (national) => lookupPrefix(BRAZIL_AREAS, national),
  '61': (national) => lookupPrefix(AUSTRALIA_AREAS, national),
  '62': (national) => lookupPrefix(INDONESIA_AREAS, national),
};

/**
 * The zone a callee lives in: the contact's own valid `timezone` field, else the zone of the
 * number's area code (United States, Canada and the rest of +1, Mexico, Brazil, Australia,
 * Indonesian landlines), else the main zone of the number's country, else the app's zone.
 */
export function resolveZone(number: string, contactZone: unknown, appZone: string): ZoneResolution {
  const parsed = parsePhoneNumberFromString(number);
  const callingCode = parsed?.countryCallingCode;
  const national = parsed?.nationalNumber ?? '';
  const area = callingCode ? AREA_LOOKUPS[callingCode]?.(national) : undefined;
  // libphonenumber leaves the country out of numbers it cannot validate: the NANP table knows
  // the country of every geographic +1 area code, and elsewhere the calling code's main
  // country (listed first: GB for +44) is the best guess.
  const country =
    parsed?.country ??
    (callingCode === '1' ? NANP_AREAS.get(national.slice(0, 3))?.country : undefined) ??
    parsed?.getPossibleCountries()[0];
  const withCountry = country ? { country } : {};

  if (typeof contactZone === 'string' && isTimeZone(contactZone)) {
    return { zone: contactZone, source: 'contact', ...withCountry, otherZones: [] };
  }
  if (area) {
    return {
      zone: area.zone,
      source: 'area',
      ...withCountry,
      region: area.region,
      otherZones: area.also ?? [],
    };
  }
  const countryZone = country ? COUNTRY_ZONES[country] : undefined;
  if (countryZone) return { zone: countryZone, source: 'country', ...withCountry, otherZones: [] };
  return { zone: appZone, source: 'app', ...withCountry, otherZones: [] };
}
