// Indonesia (+62) landlines: the area code's leading digits follow the islands, and the islands
// follow the three zones (WIB UTC+7, WITA UTC+8, WIT UTC+9). Mobile numbers (+62 8…) carry no
// area: they are deliberately absent, so they fall back to the country's zone (Asia/Jakarta,
// where most subscribers live); docs/compliance.md says what that means for WITA and WIT.
import type { PrefixTable } from './prefix-table.ts';

const WIB = 'Asia/Jakarta';
const WITA = 'Asia/Makassar';
const WIT = 'Asia/Jayapura';

export const INDONESIA_AREAS: PrefixTable = {
  '2': { region: 'Jakarta, Banten, West and Central Java', zone: WIB },
  '3': { region: 'East Java', zone: WIB },
  '36': { region: 'Bali', zone: WITA },
  '37': { region: 'West Nusa Tenggara', zone: WITA },
  '38': { region: 'East Nusa Tenggara', zone: WITA },
  '4': { region: 'Sulawesi', zone: WITA },
  '51': { region: 'South Kalimantan', zone: WITA },
  '52': { region: 'South Kalimantan (interior)', zone: WITA },
  '53': { region: 'Central Kalimantan', zone: WIB },
  '54': { region: 'East Kalimantan', zone: WITA },
  '55': { region: 'North Kalimantan', zone: WITA },
  '56': { region: 'West Kalimantan', zone: WIB },
  '6': { region: 'North Sumatra, Aceh', zone: WIB },
  '7': { region: 'South and West Sumatra, Riau, Riau Islands, Bangka-Belitung', zone: WIB },
  '9': { region: 'Maluku, North Maluku, Papua', zone: WIT },
};
