import { Type, type Static } from 'typebox';

// Request and response shapes of the task endpoints (spec/calls-api.md §5, §6).

const Str = (maxLength = 500) => Type.String({ maxLength });

export const Callee = Type.Object(
  {
    case_id: Type.Optional(Str(128)),
    callee_number: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'International format, e.g. +6281234567890',
    }),
    callee_name: Type.Optional(Str(200)),
    callee_gender: Type.Optional(Str(16)),
    platform_name: Type.Optional(Str(200)),
    extra_a: Type.Optional(Str()),
    extra_b: Type.Optional(Str()),
    extra_c: Type.Optional(Str()),
    extra: Type.Optional(
      Type.Array(Type.Object({ Question: Str(100), Content: Str(2000) }), { maxItems: 50 }),
    ),
    comments: Type.Optional(Str(2000)),
    borrowed_date: Type.Optional(Str(10)),
    due_date: Type.Optional(Str(10)),
    borrowed_amount: Type.Optional(Str(32)),
    total_owing_amount: Type.Optional(Str(32)),
    currency_unit: Type.Optional(Str(8)),
    extend: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  {
    additionalProperties: true,
    description:
      'Uploaded per number and echoed back in webhooks; at most 16 KiB as JSON, extra keys included',
  },
);

/**
 * The largest callee record, as UTF-8 JSON. Every webhook, /detail row and /callinfo answer of
 * the number echoes the record, so one 1 MiB custom field became 1 MiB in every delivery; 16 KiB
 * holds the spec's fields at their limits and a generous set of custom ones.
 */
export const MAX_CALLEE_BYTES = 16 * 1024;
export type Callee = Static<typeof Callee>;

export const CreateTask = Type.Object({
  task_name: Type.String({ minLength: 1, maxLength: 100 }),
  robot_id: Type.String({ pattern: '^[0-9]{1,18}$' }),
  start_time: Type.Optional(
    Type.String({
      description: 'YYYY-MM-DD HH:MM:SS in the app zone (or with +hh:mm); default now',
    }),
  ),
  end_time: Type.Optional(
    Type.String({ description: 'Calling window end; default 24 h after start_time' }),
  ),
  redial_times: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 0 })),
  redial_interval: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 1440, default: 0, description: 'Minutes' }),
  ),
  line: Type.Optional(
    Type.String({ maxLength: 32, description: 'Caller number shown to callees' }),
  ),
  max_concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  calling_windows: Type.Optional(
    Type.Unknown({ description: "This task's calling-window override (docs/compliance.md)" }),
  ),
  callees: Type.Array(Callee, { minItems: 1, maxItems: 100_000 }),
});
export type CreateTask = Static<typeof CreateTask>;

export const CreationWarning = Type.Object({
  callee_number: Type.String(),
  case_id: Type.String(),
  reason: Type.String({
    description:
      'outside_calling_window, dnc (more kinds may be added: treat unknown ones as warnings)',
  }),
  message: Type.String(),
});

export const TaskIdQuery = Type.Object({ task_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
};

export const TaskStatus = Type.Union([
  Type.Literal('Waiting'),
  Type.Literal('Running'),
  Type.Literal('Paused'),
  Type.Literal('Stopped'),
  Type.Literal('Finished'),
]);

export const ListQuery = Type.Object({
  start_time: Type.Optional(Type.String()),
  end_time: Type.Optional(Type.String()),
  status: Type.Optional(TaskStatus),
  plan_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Only the round tasks of this plan' }),
  ),
  ...Page,
});

export const TaskSummary = Type.Object({
  task_id: Type.String(),
  task_name: Type.String(),
  robot_id: Type.String(),
  status: TaskStatus,
  plan_id: Type.String(),
  round: Type.Integer(),
  create_time: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
  total_count: Type.Integer(),
  called_count: Type.Integer(),
  connected_count: Type.Integer(),
});

export const Operation = Type.Object({
  task_id: Type.String({ minLength: 1, maxLength: 64 }),
  operation: Type.String({
    minLength: 1,
    maxLength: 32,
    description: '"stop", "pause" or "resume", in any case (docs/api-calls.md)',
  }),
});

export const CancelPhoneCall = Type.Object({
  task_id: Type.String({ minLength: 1, maxLength: 64 }),
  callee_number: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  case_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

const Turn = Type.Object({ time: Type.String(), robottext: Type.String(), text: Type.String() });

export const RedialCall = Type.Object({
  call_id: Type.String(),
  call_start_time: Type.String(),
  ring_type: Type.String(),
  ring_time: Type.Integer(),
  hangup_type: Type.String(),
  result_label: Type.String(),
  callee_number: Type.String(),
  caller_number: Type.String(),
});

const Strings = Type.Record(Type.String(), Type.String());

/** The seed's `call` object (spec §5.2): the same names, types and formats. */
export const CallObject = Type.Object({
  task_id: Type.String(),
  call_id: Type.String(),
  robot_id: Type.String(),
  callee_number: Type.String(),
  call_start_time: Type.String(),
  call_end_time: Type.String(),
  call_times: Type.Integer(),
  ring_type: Type.String(),
  hangup_type: Type.String(),
  intention: Type.String(),
  ner_slots: Strings,
  slots: Type.String(),
  talk_round: Type.Integer(),
  ring_time: Type.Integer(),
  question_answer: Type.Array(Type.Record(Type.String(), Type.String())),
  multi_label: Strings,
  intention_description: Type.String(),
  asr_ptp: Type.String(),
  asr_result: Type.Array(Turn),
  redial_call: Type.Array(RedialCall),
  caller_number: Type.String(),
  end_reason: Type.Union(
    [
      Type.Literal('connected'),
      Type.Literal('not_connected'),
      Type.Literal('invalid'),
      Type.Literal('expired_window'),
      Type.Literal('expired_caps'),
      Type.Literal('expired_task_end'),
      Type.Literal('cancelled'),
      Type.Literal('dnc'),
      Type.Literal(''),
    ],
    {
      description:
        "Why the number's dialling is final (docs/api-calls.md#end-reasons); empty while it is not",
    },
  ),
});

export const DetailRecord = Type.Object({
  ...CallObject.properties,
  case_id: Type.String(),
  callee: Callee,
  recording_url: Type.String({
    description: "Signed link to the last attempt's recording; empty when it has none",
  }),
});

export const CallInfoQuery = Type.Object({
  call_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const CallInfo = Type.Object({
  ...DetailRecord.properties,
  compliance: Type.Unknown({
    description:
      'Why this attempt was allowed: zone, local time, calling-window rule, cap counters (docs/compliance.md)',
  }),
});

export const DetailQuery = Type.Object({
  task_id: Type.String({ minLength: 1, maxLength: 64 }),
  ...Page,
});
