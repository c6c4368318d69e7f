import { Type, type Static } from 'typebox';
import { DetailRecord, TaskStatus } from '../tasks/tasks.schema.ts';

// Request and response shapes of the workflow query endpoints (spec/workflow-api.md §9-16,
// docs/workflow-api.md "Query endpoints"). Times are "YYYY-MM-DD HH:MM:SS" in the app's zone.

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
const WorkflowId = Id('The workflow (instance) id');
const TimeText = (description: string) => Type.String({ maxLength: 40, description });
const CalleeNumber = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'The phone number, E.164 (e.g. +6281234567890)',
});
const CaseId = Type.String({ minLength: 1, maxLength: 128 });

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export const WorkflowStatus = Type.Union([
  Type.Literal('Running'),
  Type.Literal('Finished'),
  Type.Literal('Stopped'),
]);

export const InstancesQuery = Type.Object({
  workflow_template_id: Type.Optional(
    Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  ),
  status: Type.Optional(WorkflowStatus),
  start_time: Type.Optional(TimeText('Created at or after this time')),
  end_time: Type.Optional(TimeText('Created at or before this time')),
  ...Page,
});
export type InstancesQuery = Static<typeof InstancesQuery>;

export const WorkflowSummary = Type.Object({
  workflow_id: Type.String(),
  workflow_name: Type.String(),
  workflow_template_id: Type.Integer(),
  workflow_template_name: Type.String(),
  status: WorkflowStatus,
  auto_finish: Type.Integer(),
  end_time: Type.String(),
  created_at: Type.String(),
  record_count: Type.Integer({ description: 'List records uploaded' }),
  done_count: Type.Integer({ description: 'List records that have left the graph' }),
});

export const WorkflowIdQuery = Type.Object({ workflow_id: WorkflowId });

export const NodeTask = Type.Object({
  nodetask_id: Type.String(),
  nodetask_name: Type.String(),
  node_type: Type.String(),
  task_id: Type.Optional(
    Type.String({ description: "The node task's latest call task, WABA or SMS batch" }),
  ),
  task_status: Type.Optional(Type.String()),
});

export const TaskListBody = Type.Object({
  workflow_id: WorkflowId,
  nodetask_id: Type.Optional(Id('Only the tasks of this node task')),
  ...Page,
});
export type TaskListBody = Static<typeof TaskListBody>;

export const WorkflowTask = Type.Object({
  task_id: Type.String(),
  task_name: Type.String(),
  nodetask_id: Type.String(),
  nodetask_name: Type.String(),
  status: TaskStatus,
  create_time: Type.String(),
  total_count: Type.Integer(),
  called_count: Type.Integer(),
});

export const TaskDetailBody = Type.Object({
  workflow_id: WorkflowId,
  task_id: Id('A call task of the workflow (from /tasklist)'),
  callee: Type.Optional(CalleeNumber),
  case_id: Type.Optional(CaseId),
  ...Page,
});
export type TaskDetailBody = Static<typeof TaskDetailBody>;

const WorkflowKeys = {
  workflow_id: Type.String(),
  workflow_name: Type.String(),
  nodetask_id: Type.String(),
  nodetask_name: Type.String(),
};

/** The legacy detail record (one per number) with the workflow's keys. */
export const WorkflowDetailRecord = Type.Object({ ...DetailRecord.properties, ...WorkflowKeys });

export const CaseQuery = Type.Object({
  callee: Type.Optional(CalleeNumber),
  case_id: Type.Optional(CaseId),
  task_id: Type.Optional(Id('A call task of a workflow')),
  workflow_id: Type.Optional(WorkflowId),
});
export type CaseQuery = Static<typeof CaseQuery>;

export const CallQuery = Type.Object({ call_id: Id('The call id') });

export const RecordingsQuery = Type.Object({
  workflow_id: WorkflowId,
  callee: Type.Optional(CalleeNumber),
  case_id: Type.Optional(CaseId),
});
export type RecordingsQuery = Static<typeof RecordingsQuery>;

export const WorkflowRecording = Type.Object({
  call_id: Type.String(),
  task_id: Type.String(),
  nodetask_id: Type.String(),
  nodetask_name: Type.String(),
  call_start_time: Type.String(),
  call_end_time: Type.String(),
  recording_url: Type.String(),
});

export const WabaTasksQuery = Type.Object({
  workflow_id: WorkflowId,
  nodetask_id: Type.Optional(Id('Only the batches of this node task')),
  ...Page,
});
export type WabaTasksQuery = Static<typeof WabaTasksQuery>;

export const WabaTask = Type.Object({
  waba_task_id: Type.String(),
  nodetask_id: Type.String(),
  nodetask_name: Type.String(),
  waba_template_id: Type.Integer(),
  waba_template_name: Type.String(),
  channel_id: Type.String(),
  status: Type.Union([Type.Literal('Running'), Type.Literal('Finished')], {
    description: 'Running while a message waits to be sent',
  }),
  create_time: Type.String(),
  total_count: Type.Integer(),
});

export const WabaTaskDetailQuery = Type.Object({
  waba_task_id: Id('A WABA task of a workflow (from /wabatasks)'),
  callee: Type.Optional(CalleeNumber),
  case_id: Type.Optional(CaseId),
  ...Page,
});
export type WabaTaskDetailQuery = Static<typeof WabaTaskDetailQuery>;

export const WabaMessage = Type.Object({
  msg_id: Type.String(),
  callee: Type.String(),
  case_id: Type.String(),
  wfdetail_uuid: Type.String(),
  status: Type.String({ description: "'sent', 'delivery', 'read', 'failed'; '' while queued" }),
  send_time: Type.String({ description: "'' before it is sent" }),
  waba_template_name: Type.String(),
  waba_template_id: Type.Integer(),
  channel_id: Type.String(),
  call_id: Type.String({ description: "The chatbot session this template started; '' if none" }),
});

export const DetailInstancesBody = Type.Object({
  case_id: Type.Optional(CaseId),
  callee: Type.Optional(CalleeNumber),
  start_time: TimeText('Records created at or after this time'),
  end_time: TimeText('Records created at or before this time'),
});
export type DetailInstancesBody = Static<typeof DetailInstancesBody>;

export const DetailInstance = Type.Object({
  workflow_id: Type.String(),
  workflow_name: Type.String(),
  case_id: Type.String(),
  callee: Type.String(),
  wfdetail_uuid: Type.String(),
  created_at: Type.String(),
});

export const ApiNoticeBody = Type.Object({
  workflow_id: WorkflowId,
  node_id: Id("The API node's node_id (as its push carries it)"),
  callee: CalleeNumber,
  case_id: Type.Optional(CaseId),
});
export type ApiNoticeBody = Static<typeof ApiNoticeBody>;

export const ApiPayload = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The body the API node pushed (spec §17.2)',
});

const Paged = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ total: Type.Integer(), list: Type.Array(item) });

export const WorkflowPage = Paged(WorkflowSummary);
export const WorkflowTaskPage = Paged(WorkflowTask);
export const WorkflowDetailPage = Paged(WorkflowDetailRecord);
export const WabaTaskPage = Paged(WabaTask);
export const WabaMessagePage = Paged(WabaMessage);
