// Australia (+61): landlines start with one of four area codes (2, 3, 7, 8), and the next
// digits narrow area 8, which spans three zones. Mobiles (4…) and other non-geographic numbers
// are absent on purpose and fall back to the country's zone (Australia/Sydney): a Perth mobile
// is two to three hours behind it, see docs/compliance.md.
import type { PrefixTable } from './prefix-table.ts';

export const AUSTRALIA_AREAS: PrefixTable = {
  '2': { region: 'New South Wales, ACT', zone: 'Australia/Sydney' },
  '3': { region: 'Victoria', zone: 'Australia/Melbourne' },
  '36': { region: 'Tasmania', zone: 'Australia/Hobart' },
  '7': { region: 'Queensland', zone: 'Australia/Brisbane' },
  // Area 8 ranges not listed below may be in any of its states.
  '8': {
    region: 'SA, NT, WA',
    zone: 'Australia/Adelaide',
    also: ['Australia/Darwin', 'Australia/Perth'],
  },
  '87': {
    region: 'South Australia, Northern Territory',
    zone: 'Australia/Adelaide',
    also: ['Australia/Darwin'],
  },
  '88': { region: 'South Australia', zone: 'Australia/Adelaide' },
  '8808': { region: 'Broken Hill (NSW, on South Australian time)', zone: 'Australia/Broken_Hill' },
  '889': { region: 'Northern Territory', zone: 'Australia/Darwin' },
  '86': { region: 'Western Australia', zone: 'Australia/Perth' },
  '89': { region: 'Western Australia', zone: 'Australia/Perth' },
};
