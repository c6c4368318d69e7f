// What the PDS webhooks (../webhooks) may use of the dialer's statements. The lint rule that keeps
// modules off each other's repositories reads `../dialer/*.repository.ts` as the robot dialer's
// module; this seam keeps that rule whole for the PDS module's two folders.

export {
  mergeCallPds,
  pdsCallRows,
  pdsTasksByIds,
  type CallPds,
  type PdsCallRow,
} from './pds-calls.repository.ts';
