// Area tables for countries whose national numbers start with a geographic area code: the
// longest listed prefix of the national number names the zone.

export interface AreaZone {
  region: string;
  zone: string;
  /** Zones a meaningful part of the area lives in besides `zone` (see nanp-zones.ts). */
  also?: readonly string[];
}

export type PrefixTable = Readonly<Record<string, AreaZone>>;

export function lookupPrefix(table: PrefixTable, national: string): AreaZone | undefined {
  for (let n = Math.min(national.length, 4); n > 0; n -= 1) {
    const hit = table[national.slice(0, n)];
    if (hit) return hit;
  }
  return undefined;
}
