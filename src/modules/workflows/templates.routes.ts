import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../shared/errors.ts';
import { toMermaid } from './mermaid.ts';
import { parseTemplate } from './template-graph.ts';
import {
  CloudTemplatePage,
  ImportedTemplate,
  TemplateBody,
  TemplateDetail,
  TemplateIdParams,
  TemplateListQuery,
  TemplatePage,
} from './templates.schema.ts';
import type { WorkflowTemplateService } from './templates.service.ts';
import { cloudTemplateWire, templateDetailWire, templateWire } from './templates.wire.ts';

const tags = ['workflows'];
const BODY_LIMIT = 2 * 1024 * 1024;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `/v1/workflow-templates`: import (JSON or YAML), list and show the app's templates. */
export function workflowTemplateV1Routes(
  service: WorkflowTemplateService,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    // This plugin's scope only: the rest of /v1 keeps answering 415 to YAML.
    app.addContentTypeParser(
      YAML_TYPES,
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_request, body: Buffer, done) => {
        try {
          let text: string;
          try {
            text = strictUtf8.decode(body);
          } catch {
            throw new AppError('workflow_template_invalid', 'the YAML body is not valid UTF-8');
          }
          done(null, parseTemplate(text));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );

    app.post(
      '/workflow-templates',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: 'Import a workflow template, or a new version of the template with that name',
          description:
            'The body is the graph as JSON, or as YAML with Content-Type application/yaml (or text/yaml). A graph that breaks a rule answers 400 workflow_template_invalid, its message listing every problem.',
          tags,
          body: TemplateBody,
          response: { 200: ImportedTemplate },
        },
      },
      async (request) => {
        const t = await service.importTemplate(request.caller.appId, request.body);
        return {
          workflow_template_id: t.id,
          name: t.name,
          version: t.version,
          mermaid: toMermaid(t.graph),
        };
      },
    );

    app.get(
      '/workflow-templates',
      {
        schema: {
          summary: 'List workflow templates (every version, built-ins included), newest first',
          tags,
          querystring: TemplateListQuery,
          response: { 200: TemplatePage },
        },
      },
      async (request) => {
        const page = await service.list(request.caller.appId, request.query);
        return {
          total: page.total,
          list: page.list.map((t) => templateWire(t, request.caller.timezone)),
        };
      },
    );

    app.get(
      '/workflow-templates/:id',
      {
        schema: {
          summary: 'One workflow template version with its graph and its Mermaid drawing',
          tags,
          params: TemplateIdParams,
          response: { 200: TemplateDetail },
        },
      },
      async (request) =>
        templateDetailWire(
          await service.get(request.caller.appId, Number(request.params.id)),
          request.caller.timezone,
        ),
    );
  };
}

/** `GET /templates` of the workflow family (spec/workflow-api.md §4), newest first. */
export function workflowTemplateListRoute(
  service: WorkflowTemplateService,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/templates',
      {
        schema: {
          summary: 'Obtain the List of Workflow Templates',
          description:
            'Newest first. The path is inferred (the spec could not read it); mermaid is Tiller’s addition.',
          tags,
          querystring: TemplateListQuery,
          response: { 200: CloudTemplatePage },
        },
      },
      async (request) => {
        const page = await service.list(request.caller.appId, request.query);
        return {
          total: page.total,
          list: page.list.map((t) => cloudTemplateWire(t, request.caller.timezone)),
        };
      },
    );
  };
}
