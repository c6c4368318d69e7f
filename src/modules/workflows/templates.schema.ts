import { Type } from 'typebox';

// Request and answer schemas of the template routes (templates.routes.ts).

export const TemplateBody = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A workflow graph (docs/workflows.md, "The graph format"): JSON, or YAML with Content-Type application/yaml',
});

const PageFields = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: 'Part of the name, any case' }),
  ),
};

export const TemplateListQuery = Type.Object(PageFields);

export const TemplateIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) });

export const TemplateSummary = Type.Object({
  workflow_template_id: Type.Integer(),
  name: Type.String(),
  version: Type.Integer(),
  builtin: Type.Boolean(),
  business_line: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  created_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app time zone' }),
});

export const TemplateDetail = Type.Object({
  ...TemplateSummary.properties,
  graph: Type.Record(Type.String(), Type.Unknown()),
  mermaid: Type.String({ description: 'The graph as a Mermaid flowchart' }),
});

export const ImportedTemplate = Type.Object({
  workflow_template_id: Type.Integer(),
  name: Type.String(),
  version: Type.Integer(),
  mermaid: Type.String(),
});

export const TemplatePage = Type.Object({
  total: Type.Integer(),
  list: Type.Array(TemplateSummary),
});

export const CloudTemplatePage = Type.Object({
  total: Type.Integer(),
  list: Type.Array(
    Type.Object({
      workflow_template_id: Type.Integer(),
      workflow_template_name: Type.String(),
      version: Type.Integer(),
      created_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app time zone' }),
      mermaid: Type.String({ description: 'The graph as a Mermaid flowchart (Tiller)' }),
    }),
  ),
});
