import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { WorkflowService } from './workflows.service.ts';
import {
  CancelDetails,
  CreateInstance,
  StopInstance,
  UpdateDetails,
  UploadDetails,
} from './workflows.schema.ts';

const tags = ['workflows'];
const Count = Type.Object({ count: Type.Integer() });
const BIG_LIST = 32 * 1024 * 1024;

/** The write side of the Workflow family (spec/workflow-api.md §3, §5-§8), under /service/cloud/workflow. */
export function workflowRoutes(workflows: WorkflowService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/createinstance',
      {
        bodyLimit: BIG_LIST,
        schema: {
          summary: 'Create a new workflow task (instance) from a template, with its first list',
          tags,
          body: CreateInstance,
          response: { 200: Type.Object({ workflow_id: Type.String() }) },
        },
      },
      (request) => workflows.create(request.caller, request.body),
    );

    app.post(
      '/uploaddetails',
      {
        bodyLimit: BIG_LIST,
        schema: {
          summary: 'Add lists to a workflow task',
          description: 'Records start at the graph’s start; at most 10,000 records per workflow.',
          tags,
          body: UploadDetails,
          response: { 200: Count },
        },
      },
      (request) => workflows.addDetails(request.caller, request.body),
    );

    app.post(
      '/updatedetails',
      {
        schema: {
          summary: 'Update the list info of a workflow task (inferred path)',
          tags,
          body: UpdateDetails,
          response: { 200: Count },
        },
      },
      (request) => workflows.updateDetails(request.caller, request.body),
    );

    app.post(
      '/canceldetails',
      {
        schema: {
          summary: 'Cancel the remaining steps of a record (inferred path)',
          tags,
          body: CancelDetails,
          response: { 200: Count },
        },
      },
      (request) => workflows.cancelDetails(request.caller, request.body),
    );

    app.post(
      '/stopinstance',
      {
        schema: {
          summary: 'Stop the workflow task (inferred path)',
          tags,
          body: StopInstance,
          response: { 200: Type.Object({}) },
        },
      },
      async (request) => {
        await workflows.stop(request.caller, request.body.workflow_id);
        return {};
      },
    );
  };
}
