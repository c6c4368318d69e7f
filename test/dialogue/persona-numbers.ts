/**
 * Numbers that pick each persona of the simulated carrier: the last digit names the persona,
 * a second-to-last 1 makes it noisy, a third-to-last 1 makes it answer dates with a Friday.
 */
export const PERSONA_NUMBER: Readonly<Record<string, string>> = {
  cooperative: '+6281234567000',
  cooperative_friday: '+6281234567100',
  noisy_cooperative: '+6281234567010',
  refuses: '+6281234567001',
  wrong_person: '+6281234567002',
  call_later: '+6281234567003',
  voicemail: '+6281234567004',
  hangs_up: '+6281234567008',
  silent: '+6281234567009',
};
