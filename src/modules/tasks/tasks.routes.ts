import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TaskService } from './tasks.service.ts';
import { callInfoWire, detailPageWire, taskListWire } from './tasks.wire.ts';
import {
  CallInfo,
  CallInfoQuery,
  CancelPhoneCall,
  CreateTask,
  CreationWarning,
  DetailQuery,
  DetailRecord,
  ListQuery,
  Operation,
  TaskStatus,
  TaskSummary,
} from './tasks.schema.ts';

const tags = ['tasks'];
const Empty = Type.Object({});

/** The calling-task endpoints of spec/calls-api.md §6, mounted under /service/cloud. */
export function taskRoutes(tasks: TaskService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/task',
      {
        // A 100,000-number upload is about 30 MB of JSON.
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          summary: 'Create a calling task',
          tags,
          body: CreateTask,
          headers: Type.Object({
            'idempotency-key': Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description:
                  'The same key again answers the first task instead of creating another',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              task_id: Type.String(),
              skipped_duplicates: Type.Integer({
                description:
                  'Numbers left out because the same case_id and number wait in an active task',
              }),
              warnings: Type.Array(CreationWarning, {
                description:
                  'Numbers that cannot be dialled before the task ends; the task is created anyway (docs/api-calls.md#creation-warnings)',
              }),
            }),
          },
        },
      },
      (request) => tasks.create(request.caller, request.body, request.headers['idempotency-key']),
    );

    app.get(
      '/list',
      {
        schema: {
          summary: 'List the tasks created',
          tags,
          querystring: ListQuery,
          response: {
            200: Type.Object({
              total: Type.Integer(),
              page: Type.Integer(),
              page_size: Type.Integer(),
              list: Type.Array(TaskSummary),
            }),
          },
        },
      },
      async (request) =>
        taskListWire(await tasks.list(request.caller, request.query), request.caller.timezone),
    );

    app.post(
      '/operation',
      {
        schema: {
          summary: 'Stop, pause or resume a calling task',
          tags,
          body: Operation,
          response: { 200: Empty },
        },
      },
      async (request) => {
        await tasks.operate(request.caller, request.body.task_id, request.body.operation);
        return {};
      },
    );

    app.post(
      '/cancelphonecall',
      {
        schema: {
          summary: 'Cancel a certain call in a task',
          tags,
          body: CancelPhoneCall,
          response: { 200: Type.Object({ cancelled: Type.Integer() }) },
        },
      },
      (request) => tasks.cancelNumber(request.caller, request.body),
    );

    app.get(
      '/detail',
      {
        schema: {
          summary: 'Obtain the detailed information of a task: one record per dialled number',
          tags,
          querystring: DetailQuery,
          response: {
            200: Type.Object({
              total: Type.Integer(),
              page: Type.Integer(),
              page_size: Type.Integer(),
              task_status: TaskStatus,
              list: Type.Array(DetailRecord),
            }),
          },
        },
      },
      async (request) =>
        detailPageWire(await tasks.detail(request.caller, request.query), request.caller.timezone),
    );

    app.get(
      '/callinfo',
      {
        schema: {
          summary: 'Obtain call information and recording link by call id (path inferred)',
          tags,
          querystring: CallInfoQuery,
          response: { 200: CallInfo },
        },
      },
      async (request) =>
        callInfoWire(
          await tasks.callInfo(request.caller, request.query.call_id),
          request.caller.timezone,
        ),
    );
  };
}
