import { authRoutes } from '../../modules/auth/auth.routes.ts';
import type { ErrorKey } from '../../shared/errors.ts';
import { tokenAuth } from '../auth/token.ts';
import { bodyEnvelope } from './envelope.ts';
import { defineFamily } from './family-definition.ts';

/** The platform codes AIRudder's PDS clients know; an error without one answers -1. */
const PDS_CODES: Partial<Record<ErrorKey, number>> = {
  invalid_phone: 10510,
  invalid_time: 10620,
  duplicate_task_name: 10508,
  duplicate_callee: 10517,
  missing_token: 10810,
  invalid_token: 10812,
  expired_token: 10813,
  bad_credentials: 10302,
  not_found: 404,
  method_not_allowed: 405,
  task_not_found: 10506,
  task_finished: 10513,
  callee_final: 10611,
  workflow_task_locked: 10704,
  internal: 10201,
};

/** AIRudder's predictive-dialer (PDS) API: its own envelope and platform error codes. */
export const pdsFamily = defineFamily({
  name: 'pds',
  title: 'PDS',
  prefixes: ['/service/callcenter/call/predict'],
  envelope: bodyEnvelope,
  errorCode: (key) => PDS_CODES[key] ?? -1,
  errorCodeDoc:
    "`code` is the platform code AIRudder's PDS clients know. `-1` means no platform code is known for that error; rely on the HTTP status.",
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: true,
  encryption: (services) => services.encryption,
  routes: (services) => [authRoutes(services.auth)],
});
