import { authRoutes } from '../../modules/auth/auth.routes.ts';
import { planRoutes } from '../../modules/plans/plans.routes.ts';
import { recordingRoutes } from '../../modules/recordings/recordings.routes.ts';
import { robotRoutes } from '../../modules/robots/robots.routes.ts';
import { taskRoutes } from '../../modules/tasks/tasks.routes.ts';
import { tokenAuth } from '../auth/token.ts';
import { statusEnvelope } from './envelope.ts';
import { defineFamily, httpStatusCode } from './family-definition.ts';

/** AIRudder's "The workflow task cannot perform this operation". */
const WORKFLOW_TASK_LOCKED = 10704;

/** AIRudder's voice-bot API (docs/api-calls.md): tasks, calls, recordings, plans. */
export const cloudFamily = defineFamily({
  name: 'cloud',
  title: 'Cloud',
  prefixes: ['/service/cloud'],
  envelope: statusEnvelope,
  // Real clients check the HTTP status or `code` interchangeably, so `code` mirrors it; the one
  // exception is AIRudder's own code for a workflow's task (spec/workflow-api.md §1.4), which
  // workflow clients test for (the HTTP status stays 400).
  errorCode: (key, error) =>
    key === 'workflow_task_locked' ? WORKFLOW_TASK_LOCKED : httpStatusCode(key, error),
  errorCodeDoc:
    "`code` mirrors the HTTP status, and `status` is the HTTP reason phrase; except `workflow_task_locked`, whose `code` is AIRudder's 10704 (HTTP status 400).",
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: true,
  encryption: (services) => services.encryption,
  routes: (services) => [
    authRoutes(services.auth),
    robotRoutes(services.robots),
    taskRoutes(services.tasks),
    recordingRoutes(services.recordings),
    planRoutes(services.plans),
  ],
});
