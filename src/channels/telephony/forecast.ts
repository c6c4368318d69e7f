import type { Respondent } from '../../dialogue/ports/turn.ts';
import type { CallControl } from './call-control.ts';

// A dial's result known without dialling: only a world known in advance (the simulator) can say
// it. A plan's dry run plays its later rounds through it; with an adapter that cannot forecast
// (a SIP trunk) the dry run stops after round 1. Kept apart from call control on purpose: a
// real adapter has nothing to implement here.

export interface DialForecast {
  outcome: 'answered' | 'no_answer' | 'busy' | 'invalid';
  ringSeconds: number;
  /** Who would answer, to run the robot against (answered only). */
  callee?: Respondent;
}

export interface DialForecaster {
  /** What dialling `to` would give after `ahead` more dials, without dialling or waiting. */
  preview(to: string, ahead: number, persona?: string): DialForecast;
}

/** The adapter's forecaster, when it has one. */
export function forecasterOf(callControl: CallControl): DialForecaster | undefined {
  const maybe = callControl as CallControl & Partial<DialForecaster>;
  return typeof maybe.preview === 'function'
    ? { preview: (to, ahead, persona) => maybe.preview!(to, ahead, persona) }
    : undefined;
}
