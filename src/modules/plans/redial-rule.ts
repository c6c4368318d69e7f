interface RedialRule {
  outcomes?: readonly string[] | undefined;
  intentions?: readonly string[] | undefined;
}

/** Without a `redial` rule, a round calls again the numbers that did not connect. */
export const DEFAULT_REDIAL: RedialRule = {
  outcomes: ['no_answer', 'busy', 'not_reached', 'failed'],
};

/**
 * The numbers of the previous round that go into `round`: those whose last outcome, or whose
 * intention, its redial rule names. The plan's advance and its dry run both select with this.
 */
export function selectForRound<T extends { outcome: string; intention: string }>(
  round: { redial?: RedialRule | undefined },
  results: readonly T[],
): T[] {
  const rule = round.redial ?? DEFAULT_REDIAL;
  return results.filter(
    (r) =>
      rule.outcomes?.includes(r.outcome) ||
      (r.intention !== '' && rule.intentions?.includes(r.intention)),
  );
}
