// Default calling windows per country, in the callee's local time. Each pack names its source
// as we understand it; none of this is legal advice, and every note says "verify with counsel"
// because rules change and differ by business line and region. docs/compliance.md has the table.

import type { CallingWindow } from '../../shared/window-override.ts';

export type { CallingWindow };

export interface RulePack {
  /** ISO country code, or `DEFAULT`. */
  country: string;
  windows: CallingWindow[];
  source: string;
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const US: RulePack = {
  country: 'US',
  windows: [{ days: EVERY_DAY, start: '08:00', end: '21:00' }],
  source:
    'TCPA, 47 CFR 64.1200(c)(1): no telephone solicitation before 8 a.m. or after 9 p.m. at the ' +
    "called party's location. Debt collection: FDCPA 15 U.S.C. 1692c(a)(1) and Regulation F, " +
    '12 CFR 1006.6(b)(1)(i) (2021): the same hours are presumed convenient. Stricter state rules ' +
    '(e.g. Florida 8 a.m.-8 p.m., Fla. Stat. 501.616(6), 2021) are not applied. As understood; ' +
    'verify with counsel.',
};

const PACKS: RulePack[] = [
  US,
  {
    country: 'CA',
    windows: [
      { days: [1, 2, 3, 4, 5], start: '09:00', end: '21:30' },
      { days: [6, 7], start: '10:00', end: '18:00' },
    ],
    source:
      'CRTC Unsolicited Telecommunications Rules, Telemarketing Rules: weekdays 9:00 a.m.-9:30 ' +
      'p.m., weekends 10:00 a.m.-6:00 p.m., called party local time. Provincial collection-agency ' +
      'rules (e.g. Ontario) set other hours, including Sunday limits, and are not applied. As ' +
      'understood; verify with counsel.',
  },
  {
    country: 'IN',
    windows: [{ days: EVERY_DAY, start: '08:00', end: '19:00' }],
    source:
      'RBI, circular to regulated entities employing recovery agents (12 Aug 2022), carried into ' +
      'the RBI outsourcing directions: no calls to borrowers before 8:00 a.m. or after 7:00 p.m. ' +
      'Tiller applies this window to every business line. TRAI, Telecom Commercial ' +
      'Communications Customer Preference Regulations 2018: promotional commercial communication ' +
      'is commonly cited as 09:00-21:00, so telemarketing apps should override to 09:00-19:00. ' +
      'As understood; verify with counsel.',
  },
  {
    country: 'ID',
    windows: [{ days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '20:00' }],
    source:
      'OJK Regulation POJK 22/2023 on consumer and public protection in the financial services ' +
      'sector: collection only Monday to Saturday, outside national public holidays, 08:00-20:00 ' +
      'local time (the AFPI fintech-lending code had the same hours). Public holidays are not ' +
      'applied by Tiller. As understood; verify with counsel.',
  },
  {
    country: 'PH',
    windows: [{ days: EVERY_DAY, start: '06:00', end: '22:00' }],
    source:
      'SEC Memorandum Circular No. 18 (2019) for lending and financing companies, and BSP ' +
      'Circular No. 1133 (2021) for BSP-supervised institutions: contacting a debtor before ' +
      '6:00 a.m. or after 10:00 p.m. is an unfair collection practice (exceptions for accounts ' +
      'more than 60 days past due or with consent are not applied). As understood; verify with ' +
      'counsel.',
  },
];

export const DEFAULT_PACK: RulePack = {
  country: 'DEFAULT',
  windows: [{ days: EVERY_DAY, start: '08:00', end: '20:00' }],
  source:
    'Tiller default for countries without a pack: a conservative daytime window, not taken from ' +
    "any country's law. Override it per app or task where local rules say otherwise.",
};

// US law follows the number into its territories, which have ISO codes of their own.
const ALIASES: Record<string, string> = { PR: 'US', VI: 'US', GU: 'US', MP: 'US', AS: 'US' };

const BY_COUNTRY = new Map(PACKS.map((pack) => [pack.country, pack]));

export const RULE_PACKS: readonly RulePack[] = PACKS;

/** The country's pack, or undefined when Tiller has none (the caller then uses DEFAULT_PACK). */
export function packFor(country: string | undefined): RulePack | undefined {
  if (!country) return undefined;
  return BY_COUNTRY.get(ALIASES[country] ?? country);
}
