import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { Caller } from '../auth/caller.ts';
import type { PdsBody } from './tasks/pds-settings-input.ts';
import type { PdsTaskService } from './tasks/pds-task.service.ts';
import {
  CancelBody,
  Cancelled,
  CopyTaskBody,
  CreatedTask,
  CreateTaskBody,
  Detail,
  DetailBody,
  RecordingBody,
  RecordingLink,
  TaskList,
  TaskListBody,
} from './pds.schema.ts';

const tags = ['pds'];
// A 100,000-contact createtask is tens of MB of JSON, as a cloud task upload is.
const BIG_BODY = 64 * 1024 * 1024;

/** The PDS task endpoints of spec/workflow-api.md Appendix B, under /service/callcenter/call/predict. */
export function pdsRoutes(services: { pdsTasks: PdsTaskService }): FastifyPluginAsyncTypebox {
  const pds = services.pdsTasks;
  return async (app) => {
    const post = (
      path: string,
      summary: string,
      body: TSchema,
      answer: TSchema,
      handle: (caller: Caller, body: PdsBody) => Promise<unknown>,
      bodyLimit?: number,
    ) =>
      app.post(
        path,
        {
          ...(bodyLimit ? { bodyLimit } : {}),
          schema: { summary, tags, body, response: { 200: answer } },
        },
        (request) => handle(request.caller, request.body as PdsBody),
      );

    post(
      '/createtask',
      'Create a PDS task',
      CreateTaskBody,
      CreatedTask,
      (c, b) => pds.create(c, b),
      BIG_BODY,
    );
    post(
      '/copytask',
      'Copy a PDS task',
      CopyTaskBody,
      CreatedTask,
      (c, b) => pds.copy(c, b),
      BIG_BODY,
    );
    post('/querytasklist', 'List the PDS tasks', TaskListBody, TaskList, (c, b) => pds.list(c, b));
    post('/querytaskdetail', 'The calls of a PDS task', DetailBody, Detail, (c, b) =>
      pds.detail(c, b),
    );
    post(
      '/canceltaskcontacts',
      'Cancel numbers of a PDS task',
      CancelBody,
      Cancelled,
      (c, b) => pds.cancelContacts(c, b),
      BIG_BODY,
    );
    post('/case/recording', 'The recording of a PDS call', RecordingBody, RecordingLink, (c, b) =>
      pds.recording(c, b),
    );
  };
}
