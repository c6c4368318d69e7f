import { authRoutes } from '../../modules/auth/auth.routes.ts';
import { pdsRoutes } from '../../modules/pds/pds.routes.ts';
import type { ErrorKey } from '../../shared/errors.ts';
import { tokenAuth } from '../auth/token.ts';
import { bodyEnvelope } from './envelope.ts';
import { defineFamily } from './family-definition.ts';

/**
 * The platform codes AIRudder's PDS clients know (spec/workflow-api.md §1.4); an error without
 * one answers -1. docs/pds-api.md says when each is answered, and why some never are.
 */
const PDS_CODES: Partial<Record<ErrorKey, number>> = {
  pds_field_invalid: 10501,
  task_id_missing: 10502,
  contacts_empty: 10505,
  start_time_past: 10509,
  invalid_phone: 10510,
  skill_group_not_found: 10511,
  group_name_missing: 10512,
  task_not_ended: 10515,
  task_name_invalid: 10518,
  copy_empty: 10519,
  rest_times_invalid: 10520,
  repeat_times_invalid: 10521,
  bulk_call_interval_invalid: 10522,
  voicemail_config_invalid: 10523,
  qa_config_invalid: 10524,
  max_lost_rate_invalid: 10525,
  contact_number_interval_invalid: 10526,
  agent_name_invalid: 10550,
  agent_not_in_group: 10551,
  task_query_invalid: 10606,
  detail_query_invalid: 10607,
  call_id_missing: 10608,
  call_id_invalid: 10609,
  call_not_pds: 10610,
  call_not_ended: 10611,
  call_not_talked: 10612,
  pds_end_time_too_close: 10620,
  pds_end_time_other_day: 10621,
  task_id_invalid: 10702,
  task_not_pds: 10703,
  query_limit_exceeded: 10705,
  recording_file_missing: 10820,
  voicemail_not_enabled: 10901,
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
    "`code` is the platform code AIRudder's PDS clients know (docs/pds-api.md). `-1` means no platform code is known for that error; rely on the HTTP status.",
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: true,
  encryption: (services) => services.encryption,
  routes: (services) => [authRoutes(services.auth), pdsRoutes(services)],
});
