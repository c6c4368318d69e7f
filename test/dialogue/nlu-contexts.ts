import type { NluContext } from '../../src/dialogue/nlu/nlu.ts';

// Two moments where the callee's calendar day differs from UTC's: relative dates must follow
// the callee.

/** Friday 15 March 03:00 in Jakarta, while UTC is still on Thursday the 14th. */
export const jakarta: NluContext = {
  language: 'id',
  now: new Date('2024-03-14T20:00:00Z'),
  timeZone: 'Asia/Jakarta',
};

/** Thursday 14 March 22:00 in New York (EDT since 10 March), while UTC is on Friday the 15th. */
export const newYork: NluContext = {
  language: 'en',
  now: new Date('2024-03-15T02:00:00Z'),
  timeZone: 'America/New_York',
};
