import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ApiNoticeBody,
  ApiPayload,
  CallQuery,
  CaseQuery,
  DetailInstance,
  DetailInstancesBody,
  InstancesQuery,
  NodeTask,
  RecordingsQuery,
  TaskDetailBody,
  TaskListBody,
  WabaMessagePage,
  WabaTaskDetailQuery,
  WabaTaskPage,
  WabaTasksQuery,
  WorkflowDetailPage,
  WorkflowDetailRecord,
  WorkflowIdQuery,
  WorkflowPage,
  WorkflowRecording,
  WorkflowTaskPage,
} from './workflow-queries.schema.ts';
import type { WorkflowQueryService } from './workflow-queries.service.ts';
import {
  detailInstancesWire,
  instancesWire,
  nodeTasksWire,
  recordingWire,
  runCallWire,
  taskDetailWire,
  taskListWire,
  wabaTaskDetailWire,
  wabaTasksWire,
} from './workflow-queries.wire.ts';

const tags = ['workflows'];

/**
 * The query endpoints of the Workflow family (spec/workflow-api.md §9-16), mounted under the
 * family's prefix (/service/cloud/workflow, and the LeadsGeneration alias). Read only.
 */
export function workflowQueryRoutes(queries: WorkflowQueryService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/instances',
      {
        schema: {
          summary: 'Obtain the workflow task list (path inferred)',
          description:
            "The app's workflows, newest first; start_time/end_time bound the creation time.",
          tags,
          querystring: InstancesQuery,
          response: { 200: WorkflowPage },
        },
      },
      async (request) =>
        instancesWire(
          await queries.instances(request.caller, request.query),
          request.caller.timezone,
        ),
    );

    app.get(
      '/nodetasks',
      {
        schema: {
          summary: 'Obtain the subtask list of the workflow (path inferred)',
          description:
            'One entry per node task; task_id/task_status name its latest call task or batch (absent for nodes that run none).',
          tags,
          querystring: WorkflowIdQuery,
          response: { 200: Type.Array(NodeTask) },
        },
      },
      async (request) =>
        nodeTasksWire(await queries.nodeTasks(request.caller, request.query.workflow_id)),
    );

    app.post(
      '/tasklist',
      {
        schema: {
          summary: 'Obtain the outbound task list of workflow (path inferred)',
          tags,
          body: TaskListBody,
          response: { 200: WorkflowTaskPage },
        },
      },
      async (request) =>
        taskListWire(await queries.taskList(request.caller, request.body), request.caller.timezone),
    );

    app.post(
      '/taskdetail',
      {
        schema: {
          summary: 'Obtain the outbound task details of workflow',
          description:
            'One record per dialled number, as /service/cloud/detail, with the workflow keys. Serves both the collection and the info-check pages: question_answer holds the info-check answers.',
          tags,
          body: TaskDetailBody,
          response: { 200: WorkflowDetailPage },
        },
      },
      async (request) =>
        taskDetailWire(
          await queries.taskDetail(request.caller, request.body),
          request.caller.timezone,
        ),
    );

    app.get(
      '/case',
      {
        schema: {
          summary:
            'Obtain call information and recording links by callee/case_id and task_id/workflow_id (path inferred)',
          tags,
          querystring: CaseQuery,
          response: { 200: Type.Array(WorkflowDetailRecord) },
        },
      },
      async (request) =>
        (await queries.calls(request.caller, request.query)).map((c) =>
          runCallWire(c, request.caller.timezone),
        ),
    );

    app.get(
      '/call',
      {
        schema: {
          summary: 'Obtain call information and recording link by call id (path inferred)',
          tags,
          querystring: CallQuery,
          response: { 200: WorkflowDetailRecord },
        },
      },
      async (request) =>
        runCallWire(
          await queries.call(request.caller, request.query.call_id),
          request.caller.timezone,
        ),
    );

    app.get(
      '/recordings',
      {
        schema: {
          summary: 'Obtain all the recordings of a single number in the workflow (path inferred)',
          tags,
          querystring: RecordingsQuery,
          response: { 200: Type.Array(WorkflowRecording) },
        },
      },
      async (request) =>
        (await queries.recordings(request.caller, request.query)).map((c) =>
          recordingWire(c, request.caller.timezone),
        ),
    );

    app.get(
      '/wabatasks',
      {
        schema: {
          summary: 'Obtain the WABA tasks list of workflow (path inferred)',
          tags,
          querystring: WabaTasksQuery,
          response: { 200: WabaTaskPage },
        },
      },
      async (request) =>
        wabaTasksWire(
          await queries.wabaTasks(request.caller, request.query),
          request.caller.timezone,
        ),
    );

    app.get(
      '/wabataskdetail',
      {
        schema: {
          summary: 'Obtain the WABA task details of workflow (path inferred)',
          tags,
          querystring: WabaTaskDetailQuery,
          response: { 200: WabaMessagePage },
        },
      },
      async (request) =>
        wabaTaskDetailWire(
          await queries.wabaTaskDetail(request.caller, request.query),
          request.caller.timezone,
        ),
    );

    app.post(
      '/detailinstances',
      {
        schema: {
          summary: 'Query workflow_id using case_id/callee',
          description: 'Records created in [start_time, end_time], newest first, at most 1000.',
          tags,
          body: DetailInstancesBody,
          response: { 200: Type.Array(DetailInstance) },
        },
      },
      async (request) =>
        detailInstancesWire(
          await queries.detailInstances(request.caller, request.body),
          request.caller.timezone,
        ),
    );

    app.post(
      '/apinoticeinfo',
      {
        schema: {
          summary: 'Verify the custom API node data push',
          description: 'The body the API node pushed for the record, as it was pushed.',
          tags,
          body: ApiNoticeBody,
          response: { 200: ApiPayload },
        },
      },
      (request) => queries.apiNotice(request.caller, request.body),
    );
  };
}
