// One entry point for the dialer (later) and the simulation: a pacer for a task's dialingMode.

import type { Clock } from '../../../shared/clock.ts';
import type { PacingOptions } from './options.ts';
import { PredictivePacer } from './predictive.ts';
import { ProgressivePacer } from './progressive.ts';
import type { Pacer, PacingMode } from './types.ts';
import { VicidialHardLimitPacer } from './vicidial-hard-limit.ts';

export function createPacer(mode: PacingMode, clock: Clock, options: PacingOptions): Pacer {
  switch (mode) {
    case 'progressive':
    case 'preview':
      return new ProgressivePacer(mode);
    case 'predictive':
      return new PredictivePacer(clock, options);
    case 'vicidial-hard-limit':
      return new VicidialHardLimitPacer(clock, options);
  }
}
