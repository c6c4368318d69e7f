import { workflowQueryRoutes } from '../../modules/workflows/workflow-queries.routes.ts';
import { workflowRoutes } from '../../modules/workflows/workflows.routes.ts';
import { workflowTemplateListRoute } from '../../modules/workflows/templates.routes.ts';
import type { ErrorKey, ErrorSpec } from '../../shared/errors.ts';
import { tokenAuth } from '../auth/token.ts';
import { statusMessageEnvelope } from './envelope.ts';
import { defineFamily } from './family-definition.ts';

/** Platform codes the Workflow family answers instead of the HTTP status. */
const WORKFLOW_CODES: Partial<Record<ErrorKey, number>> = { workflow_task_locked: 10704 };

/**
 * AIRudder's Workflow API (spec/workflow-api.md, docs/workflows.md): instances of workflow
 * templates, their lists, and what their nodes did. Mounted inside the cloud family's prefix: a
 * URL under /service/cloud/workflow belongs to this family (the longest prefix wins). The
 * LeadsGeneration variant (§19) answers the same routes under its own prefix.
 */
export const workflowFamily = defineFamily({
  name: 'workflow',
  title: 'Workflow',
  prefixes: ['/service/cloud/workflow', '/service/cloud/leadsgeneration/workflow'],
  envelope: statusMessageEnvelope,
  errorCode: (key: ErrorKey, error: ErrorSpec) => WORKFLOW_CODES[key] ?? error.http,
  errorCodeDoc:
    '`code` mirrors the HTTP status (200 on success, with `message` "Success"), except 10704 for an operation a workflow task refuses.',
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: true,
  encryption: (services) => services.encryption,
  routes: (services) => [
    workflowRoutes(services.workflows),
    workflowQueryRoutes(services.workflowQueries),
    workflowTemplateListRoute(services.workflowTemplates),
  ],
});
