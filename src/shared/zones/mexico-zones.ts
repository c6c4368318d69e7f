// Mexico (+52): ten-digit national numbers start with a geographic area code (two digits for
// Mexico City, Guadalajara and Monterrey, three elsewhere), mobiles included. Most of the
// country is on Central time (no DST since 2022); the codes listed below are the exceptions and
// the three big cities. An unlisted code falls back to America/Mexico_City, which is right for
// the Central-time states and wrong only for unlisted codes of the states below.
import type { PrefixTable } from './prefix-table.ts';

const rows: Array<[string, string, string]> = [
  // [codes, region, zone]
  ['55 56', 'Mexico City', 'America/Mexico_City'],
  ['33', 'Guadalajara', 'America/Mexico_City'],
  ['81', 'Monterrey', 'America/Monterrey'],
  ['616 646 658 661 664 665 686', 'Baja California', 'America/Tijuana'],
  ['612 613 615 624', 'Baja California Sur', 'America/Mazatlan'],
  ['667 668 669 672 673 687 694 696 697 698', 'Sinaloa', 'America/Mazatlan'],
  ['311 319 323 324 325 327 389', 'Nayarit', 'America/Mazatlan'],
  ['329', 'Bahía de Banderas (Nayarit)', 'America/Bahia_Banderas'],
  ['622 623 631 633 634 637 638 641 642 644 645 647 653 662', 'Sonora', 'America/Hermosillo'],
  ['614 625 627 628 629 635 636 639 648 649 652', 'Chihuahua', 'America/Chihuahua'],
  ['656', 'Ciudad Juárez', 'America/Ciudad_Juarez'],
  ['626', 'Ojinaga', 'America/Ojinaga'],
  ['867 868 877 878 899', 'US border (Tamaulipas, Coahuila)', 'America/Matamoros'],
  ['983 984 987 998', 'Quintana Roo', 'America/Cancun'],
  ['938 981 999', 'Yucatán, Campeche', 'America/Merida'],
];

export const MEXICO_AREAS: PrefixTable = Object.fromEntries(
  rows.flatMap(([codes, region, zone]) => codes.split(' ').map((c) => [c, { region, zone }])),
);

/** `+52 1 …` (the old mobile prefix) still reaches the same ten-digit number. */
export function mexicoNational(national: string): string {
  return national.length === 11 && national.startsWith('1') ? national.slice(1) : national;
}
