import { Type, type Static } from 'typebox';

// The write side of the Workflow family (spec/workflow-api.md §3, §5-§8). A list record keeps
// every attribute the client sends (spec §3 details[]) and echoes it in pushes.

export const MAX_RECORDS_PER_WORKFLOW = 10_000;

const Text = Type.Union([Type.String(), Type.Number()]);

export const Detail = Type.Object(
  {
    callee: Type.String({ minLength: 1, description: 'E.164 number (a + and up to 15 digits)' }),
    case_id: Type.Optional(Text),
    variables: Type.Optional(Type.Record(Type.String(), Text)),
    custom_attribute: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    extra: Type.Optional(
      Type.Array(Type.Object({ Question: Type.String(), Content: Type.String() })),
    ),
  },
  {
    additionalProperties: true,
    description:
      'A list record: callee, case_id, variables, custom_attribute and any attribute (callee_name, due_date, total_owing_amount, ...), echoed in pushes',
  },
);
export type Detail = Static<typeof Detail>;

export const CreateInstance = Type.Object({
  workflow_template_id: Type.Optional(Type.Integer({ minimum: 1 })),
  workflow_template_name: Type.Optional(Type.String({ minLength: 1 })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  workflow_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  auto_finish: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
  end_time: Type.String({
    description: 'YYYY-MM-DD HH:MM:SS in the app zone, or with an offset (+08:00)',
  }),
  // No maxItems: a list over the cap is refused as workflow_too_many_records (the code clients
  // rotate to a new workflow on), by the service, with the body limit as the bound on size.
  details: Type.Optional(Type.Array(Detail)),
});
export type CreateInstance = Static<typeof CreateInstance>;

export const UploadDetails = Type.Object({
  workflow_id: Type.String({ minLength: 1 }),
  details: Type.Array(Detail, { minItems: 1 }),
});
export type UploadDetails = Static<typeof UploadDetails>;

const RecordKey = {
  workflow_id: Type.String({ minLength: 1 }),
  callee: Type.Optional(Type.String({ minLength: 1 })),
  case_id: Type.Optional(Text),
};

export const UpdateDetails = Type.Object(RecordKey, {
  additionalProperties: true,
  description: 'The record (callee and/or case_id) and the attributes to change',
});
export type UpdateDetails = Static<typeof UpdateDetails>;

export const CancelDetails = Type.Object(RecordKey);
export type CancelDetails = Static<typeof CancelDetails>;

export const StopInstance = Type.Object({ workflow_id: Type.String({ minLength: 1 }) });
