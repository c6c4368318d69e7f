import { Type } from 'typebox';

// Request and answer schemas of /v1/groups and /v1/agents (agents.routes.ts).

const Name = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: '1 to 64 characters, no spaces at the start or end; unique in the app',
});
const AcwSeconds = Type.Integer({
  minimum: 0,
  maximum: 3600,
  description: 'After-call work when the task gives no acwTime (default 30)',
});
const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Time = Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app time zone' });
// The states of agent-states.ts (a literal list: TypeBox needs the tuple to type the answers).
const State = Type.Union([
  Type.Literal('offline'),
  Type.Literal('ready'),
  Type.Literal('reserved'),
  Type.Literal('talking'),
  Type.Literal('acw'),
  Type.Literal('break'),
]);

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) });

export const GroupBody = Type.Object(
  { name: Name, acw_seconds: Type.Optional(AcwSeconds) },
  { additionalProperties: false },
);
export const GroupPatch = Type.Object(
  { name: Type.Optional(Name), acw_seconds: Type.Optional(AcwSeconds) },
  { additionalProperties: false, minProperties: 1 },
);

export const Group = Type.Object({
  group_id: Type.Integer(),
  name: Type.String(),
  acw_seconds: Type.Integer(),
  agent_count: Type.Integer(),
  created_at: Time,
});

const ProfileFields = {
  talk_median_seconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 36000,
      description: 'Simulated talk time: median (default 180)',
    }),
  ),
  talk_sigma: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 3,
      description: 'Simulated talk time: sigma of its logarithm (lognormal; default 0.5)',
    }),
  ),
  acw_median_seconds: Type.Optional(
    // Null first: the validator coerces types, and would read null as the integer 0.
    Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 3600 })], {
      description: "Simulated wrap-up: median; null (default) uses the task's or group's acw",
    }),
  ),
};

const GroupIds = Type.Array(Id, { minItems: 1, maxItems: 100, description: 'Its skill groups' });

export const AgentBody = Type.Object(
  {
    name: Name,
    group_ids: GroupIds,
    simulated: Type.Optional(
      Type.Boolean({ description: 'Driven by the simulator, not a person (default false)' }),
    ),
    ...ProfileFields,
  },
  { additionalProperties: false },
);
export const AgentPatch = Type.Object(
  { name: Type.Optional(Name), group_ids: Type.Optional(GroupIds), ...ProfileFields },
  { additionalProperties: false, minProperties: 1 },
);
export const AgentListQuery = Type.Object(
  { group_id: Type.Optional(Id) },
  { additionalProperties: false },
);

export const Agent = Type.Object({
  agent_id: Type.Integer(),
  name: Type.String(),
  group_ids: Type.Array(Type.Integer()),
  state: State,
  state_since: Time,
  simulated: Type.Boolean(),
  talk_median_seconds: Type.Integer(),
  talk_sigma: Type.Number(),
  acw_median_seconds: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Time,
});

export const GroupDetail = Type.Object({ ...Group.properties, agents: Type.Array(Agent) });

export const CurrentCall = Type.Object({
  agent_id: Type.Integer(),
  state: State,
  call: Type.Union(
    [
      Type.Object({
        call_id: Type.String(),
        group_id: Type.Union([Type.Integer(), Type.Null()]),
        contact: Type.Record(Type.String(), Type.Unknown(), {
          description: "The contact's data for the agent's screen",
        }),
        since: Time,
        acw_until: Type.Union([Time, Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'null while the agent holds no call (reserved, talking or acw)' },
  ),
});

export const DispositionBody = Type.Object(
  {
    customizeResults: Type.Array(
      Type.Object(
        {
          title: Type.String({ minLength: 1, maxLength: 128 }),
          groupName: Type.String({ maxLength: 128 }),
          value: Type.String({ maxLength: 2000 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100, description: 'The result form, as PDS querytaskdetail answers it' },
    ),
    remarks: Type.Optional(Type.String({ maxLength: 4000 })),
    ready: Type.Optional(
      Type.Boolean({ description: 'true: after-call work ends now (only in acw); default false' }),
    ),
  },
  { additionalProperties: false },
);

export const DispositionResult = Type.Object({
  disposition_id: Type.Integer(),
  agent: Agent,
});

export const HistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);

export const History = Type.Object({
  list: Type.Array(
    Type.Object({
      from: State,
      to: State,
      reason: Type.String(),
      call_id: Type.Union([Type.String(), Type.Null()]),
      at: Time,
    }),
  ),
});
