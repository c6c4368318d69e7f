// The pacing parameters and their defaults (docs/pds.md, "Parameters"). Durations in ms.

export interface PacingOptions {
  /** The abandon rate the task allows (createtask's maxLostRate), as a fraction. */
  maxLostRate: number;
  /** Share of maxLostRate the predictive pacer aims at, leaving the rest as headroom. */
  targetShareOfLimit: number;
  /** An answered call that finds no agent within this long is abandoned (US rule: 2 s). */
  connectLimitMs: number;
  /** Below this many agents (logged in, not on break) the predictive modes pace progressively. */
  smallPoolThreshold: number;
  /** Never more lines in progress than this many per working agent (a trunk safety cap). */
  maxLinesPerAgent: number;
  /** The task's ringLimit: a line nobody answers is given up after this long. */
  ringLimitMs: number;
  /** The task's acwTime: after-call work per call. */
  acwTimeMs: number;
  /** Priors, used until the dialer has measured its own figures. */
  priorAnswerRate: number;
  priorTalkMs: number;
}

export const DEFAULT_PACING_OPTIONS: PacingOptions = {
  maxLostRate: 0.03,
  targetShareOfLimit: 0.95,
  connectLimitMs: 2_000,
  smallPoolThreshold: 4,
  maxLinesPerAgent: 5,
  ringLimitMs: 25_000,
  acwTimeMs: 15_000,
  priorAnswerRate: 0.3,
  priorTalkMs: 240_000,
};

export function pacingOptions(overrides: Partial<PacingOptions> = {}): PacingOptions {
  const options = { ...DEFAULT_PACING_OPTIONS, ...overrides };
  const fraction = (name: keyof PacingOptions, value: number) => {
    if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be between 0 and 1`);
  };
  fraction('maxLostRate', options.maxLostRate);
  fraction('targetShareOfLimit', options.targetShareOfLimit);
  fraction('priorAnswerRate', options.priorAnswerRate);
  for (const name of [
    'connectLimitMs',
    'ringLimitMs',
    'priorTalkMs',
    'maxLinesPerAgent',
  ] as const) {
    if (!(options[name] > 0)) throw new RangeError(`${name} must be positive`);
  }
  if (!(options.acwTimeMs >= 0)) throw new RangeError('acwTimeMs must not be negative');
  if (!(options.smallPoolThreshold >= 0))
    throw new RangeError('smallPoolThreshold must not be negative');
  return options;
}
