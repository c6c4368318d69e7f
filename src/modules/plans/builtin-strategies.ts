import { isDeepStrictEqual } from 'node:util';
import { Value } from 'typebox/value';
import type { Db } from '../../store/db.ts';
import { CreateStrategy, type Round } from './plans.schema.ts';

export interface BuiltinStrategy {
  id: number;
  name: string;
  rounds: Round[];
}

/**
 * Strategies every app can use at once, as the built-in robots are (docs/plans.md). They name no
 * robot: the plan's `robot_id` (a built-in robot or the app's own) runs every round. Fixed ids
 * below the apps' own (migration 0013 starts those at 10001).
 */
export const BUILTIN_STRATEGIES: readonly BuiltinStrategy[] = [
  { id: 9001, name: 'Builtin_One_Round', rounds: [{}] },
  {
    id: 9002,
    name: 'Builtin_Three_Rounds_Redial_NoAnswer_Busy',
    rounds: [
      {},
      { redial: { outcomes: ['no_answer', 'busy'] }, interval_minutes: 60 },
      { redial: { outcomes: ['no_answer', 'busy'] }, interval_minutes: 60 },
    ],
  },
  {
    id: 9003,
    name: 'Builtin_Next_Day_Round',
    rounds: [
      {},
      { redial: { outcomes: ['no_answer', 'busy', 'not_reached'] }, interval_minutes: 1440 },
    ],
  },
];

export const isBuiltinStrategyName = (name: string) =>
  BUILTIN_STRATEGIES.some((s) => s.name.toLowerCase() === name.toLowerCase());

/**
 * Brings the built-in strategies in the store up to the shipped ones at start; an unchanged one
 * is left alone. Plans keep the rounds they started with, so a change affects new plans only.
 */
export async function seedBuiltinStrategies(db: Db): Promise<void> {
  for (const strategy of BUILTIN_STRATEGIES) {
    const body = { name: strategy.name, rounds: strategy.rounds };
    if (!Value.Check(CreateStrategy, body))
      throw new Error(`built-in strategy ${strategy.name} breaks the strategy schema`);
    const [current] = await db.query<{ name: string; rounds: Round[] }>(
      'SELECT name, rounds FROM strategies WHERE id = $1 AND app_id IS NULL',
      [strategy.id],
    );
    if (current && current.name === strategy.name && isDeepStrictEqual(current.rounds, body.rounds))
      continue;
    await db.query(
      `INSERT INTO strategies (id, app_id, name, rounds) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, rounds = excluded.rounds
       WHERE strategies.app_id IS NULL`,
      [strategy.id, strategy.name, JSON.stringify(strategy.rounds)],
    );
  }
}
