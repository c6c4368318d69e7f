import { Type, type Static } from 'typebox';
import { Callee, Page } from '../tasks/tasks.schema.ts';

// Strategies and plans (spec/calls-api.md §7). A strategy is data: its rounds.

const Outcome = Type.Union([
  Type.Literal('no_answer'),
  Type.Literal('busy'),
  Type.Literal('invalid'),
  Type.Literal('hangup'),
  Type.Literal('voicemail'),
  Type.Literal('answered'),
  Type.Literal('not_reached'),
  Type.Literal('failed'),
]);

export const Round = Type.Object(
  {
    robot_id: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,18}$',
        description: 'Robot of this round; default the plan robot',
      }),
    ),
    /** Which numbers of the previous round go into this one (ignored for round 1). */
    redial: Type.Optional(
      Type.Object(
        {
          outcomes: Type.Optional(
            Type.Array(Outcome, {
              maxItems: 8,
              description: 'Final outcomes of the previous round to call again',
            }),
          ),
          intentions: Type.Optional(
            Type.Array(Type.String({ pattern: '^[A-F]$' }), {
              maxItems: 6,
              description: 'Intention letters to call again',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    interval_minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 43_200,
        description: 'Wait after the previous round ends',
      }),
    ),
    redial_times: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    redial_interval: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1440, description: 'Minutes' }),
    ),
    attempts_per_day: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description:
          "At most this many attempts per number per local day in this round (the app's contact caps still apply)",
      }),
    ),
    caller_number: Type.Optional(Type.String({ maxLength: 32 })),
    max_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    calling_windows: Type.Optional(
      Type.Unknown({ description: "This round's calling-window override" }),
    ),
  },
  { additionalProperties: false },
);
export type Round = Static<typeof Round>;

export const CreateStrategy = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    rounds: Type.Array(Round, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type CreateStrategy = Static<typeof CreateStrategy>;

export const StrategySummary = Type.Object({
  strategy_id: Type.String(),
  strategy_name: Type.String(),
  round_count: Type.Integer(),
  builtin: Type.Boolean({
    description: 'Shipped with Tiller, usable by every app, changed by none (docs/plans.md)',
  }),
  create_time: Type.String(),
});

export const CreatePlan = Type.Object({
  plan_name: Type.String({ minLength: 1, maxLength: 100 }),
  strategy_id: Type.String({ pattern: '^[0-9]{1,18}$' }),
  robot_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  start_time: Type.Optional(Type.String()),
  end_time: Type.Optional(Type.String()),
  callees: Type.Array(Callee, { minItems: 1, maxItems: 100_000 }),
});
export type CreatePlan = Static<typeof CreatePlan>;

/** A dry run takes the body of a plan to create; the name is not needed. */
export const DryRunPlan = Type.Object({
  ...CreatePlan.properties,
  plan_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type DryRunPlan = Static<typeof DryRunPlan>;

const Count = Type.Union([Type.Integer(), Type.Null()]);

export const RoundForecast = Type.Object({
  round: Type.Integer(),
  contacts: Count,
  dialled: Count,
  attempts: Count,
  skipped: Type.Union([
    Type.Object({
      active_elsewhere: Type.Integer(),
      dnc: Type.Integer(),
      no_window: Type.Integer(),
      caps: Type.Integer(),
    }),
    Type.Null(),
  ]),
  outcomes: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()]),
});

export const PlanForecast = Type.Object({
  forecast: Type.Union([Type.Literal('simulated'), Type.Literal('first_round_only')]),
  requested: Type.Integer(),
  rounds: Type.Array(RoundForecast),
});

export const PlanQuery = Type.Object({ plan_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const PlanStatus = Type.Union([
  Type.Literal('Running'),
  Type.Literal('Stopped'),
  Type.Literal('Finished'),
  Type.Literal('Failed'),
]);

export const PlanStatusData = Type.Object({
  plan_id: Type.String(),
  plan_name: Type.String(),
  strategy_id: Type.String(),
  status: PlanStatus,
  current_round: Type.Integer(),
  total_rounds: Type.Integer(),
  start_time: Type.String(),
  end_time: Type.String(),
  end_reason: Type.String({
    description: 'Why the plan ended (empty while it runs); for Failed, what stopped it',
  }),
  last_error: Type.String({
    description: 'While Running: the latest error of a next-round start being retried',
  }),
});

export const RoundInfo = Type.Object({
  round: Type.Integer(),
  task_id: Type.String(),
  status: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
  total_count: Type.Integer(),
  called_count: Type.Integer(),
  connected_count: Type.Integer(),
});

export const CancelInPlan = Type.Object({
  plan_id: Type.String({ minLength: 1, maxLength: 64 }),
  callee_number: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  case_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

export const NumberInPlan = Type.Object({
  plan_id: Type.String({ minLength: 1, maxLength: 64 }),
  callee_number: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  case_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

export const PlanListQuery = Type.Object({
  status: Type.Optional(PlanStatus),
  ...Page,
});
