// The simulator passes the call-control contract (test/conformance/call-control.conformance.ts).
import { SimulatedCallControl } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import { callControlConformance, type Scenario } from './call-control.conformance.ts';

// Numbers by persona (docs/simulator.md): the last digit picks it, the second-to-last is 0 so
// every one answers its first call; keys only by a contact's override.
const NUMBERS: Partial<Record<Scenario, { to: string; persona?: string }>> = {
  answered: { to: '+6281234567000' },
  busy: { to: '+6281234567006' },
  no_answer: { to: '+6281234567005' },
  invalid: { to: '+6281234567007' },
  machine: { to: '+6281234567004' },
  callee_hangs_up: { to: '+6281234567008' },
  silent: { to: '+6281234567009' },
  keys: { to: '+6281234567000', persona: 'keypad' },
  // 'failed': the simulated world has no trunk to fail.
};

callControlConformance('simulator', {
  // 1000x: a 30 s ring takes 30 ms, an answer a few ms (time to cut a listen).
  create: () => new SimulatedCallControl({ timeScale: 1000 }),
  pick: (scenario, callId) => {
    const number = NUMBERS[scenario];
    if (!number) return undefined;
    return {
      callId,
      from: '+6221000000',
      to: number.to,
      attempt: 1,
      ...(number.persona ? { simulatedPersona: number.persona } : {}),
    };
  },
});
