// One table of every error the API can answer with: its identity (key), HTTP status, message and
// when a client sees it. What each API family puts in its envelope's `code` is the family's own
// business (src/api/families/*.ts declares a code per key); docs/errors.md is generated from this
// table and the registered families.

import { pdsErrors } from './pds-errors.ts';

export interface ErrorSpec {
  http: number;
  message: string;
  /** When a client sees it; rendered into docs/errors.md. */
  when: string;
}

export const errorTable = {
  bad_request: {
    http: 400,
    message: 'Invalid request parameters',
    when: 'a field is missing, has the wrong type or is out of range; the message names it',
  },
  invalid_json: {
    http: 400,
    message: 'The request body is not valid JSON',
    when: 'the body cannot be parsed as its Content-Type says',
  },
  unsupported_media_type: {
    http: 415,
    message: 'Unsupported Content-Type',
    when: 'the body is sent with a Content-Type the route does not accept',
  },
  payload_too_large: {
    http: 413,
    message: 'The request body is too large',
    when: 'the body exceeds the server limit (see docs/config.md)',
  },
  invalid_phone: {
    http: 400,
    message: 'Incorrect phone number',
    when: 'a number is not a valid international number starting with + (libphonenumber: valid for its country), or carries an extension; the message names it and says which',
  },
  invalid_time: {
    http: 400,
    message: 'Invalid task time window',
    when: 'start_time/end_time are not YYYY-MM-DD HH:MM:SS (with an optional offset within ±14:00) or end_time is not after start_time',
  },
  duplicate_task_name: {
    http: 400,
    message: 'Task Name is duplicated',
    when: 'another task of the same app already has this task_name',
  },
  duplicate_callee: {
    http: 400,
    message: 'Duplicate callee in task',
    when: 'the same case_id and callee_number appear twice in one task',
  },
  missing_token: {
    http: 401,
    message: 'Authorization token is missing',
    when: 'no Authorization header, or not of the form "Token <t>" / "Bearer <t>"',
  },
  invalid_token: {
    http: 401,
    message: 'Invalid authorization token',
    when: 'the token is unknown',
  },
  expired_token: {
    http: 401,
    message: 'Expired authorization token',
    when: 'the token is older than its lifetime (24 h by default); ask /auth again',
  },
  bad_credentials: {
    http: 403,
    message: 'Account verification failed',
    when: 'APPKey and APPSecret do not match an active app',
  },
  not_found: {
    http: 404,
    message: 'Not found',
    when: 'no such route',
  },
  method_not_allowed: {
    http: 405,
    message: 'Method not allowed',
    when: 'the path exists but not for this method; the Allow header lists the methods it takes',
  },
  task_not_found: {
    http: 404,
    message: 'Task is not found',
    when: 'the task_id does not exist or belongs to another app',
  },
  invalid_robot: {
    http: 400,
    message: 'Invalid robot definition',
    when: 'a robot definition breaks the schema or the graph rules of docs/robots.md; the message lists every problem',
  },
  robot_read_only: {
    http: 409,
    message: 'Built-in robots cannot be changed',
    when: 'updating a built-in demo robot; import a copy under another name instead',
  },
  strategy_not_found: {
    http: 404,
    message: 'Strategy is not found',
    when: 'the strategy_id does not exist or belongs to another app',
  },
  plan_not_found: {
    http: 404,
    message: 'Plan is not found',
    when: 'the plan_id does not exist or belongs to another app',
  },
  duplicate_name: {
    http: 400,
    message: 'The name is already used',
    when: 'another plan, strategy, robot, skill group or dialer agent of the same app has this name',
  },
  plan_finished: {
    http: 409,
    message: 'Plan has finished',
    when: 'the operation needs a plan that is still running',
  },
  dnc_not_listed: {
    http: 404,
    message: 'Number is not on the do-not-call list',
    when: 'DELETE /v1/dnc/{number} names a number the app has not listed',
  },
  robot_not_found: {
    http: 404,
    message: 'Robot is not found',
    when: 'the robot_id does not exist or is not available to this app',
  },
  call_not_found: {
    http: 404,
    message: 'Call is not found',
    when: 'the call_id does not exist or belongs to another app',
  },
  call_in_progress: {
    http: 409,
    message: 'The call has not ended yet',
    when: 'GET /callinfo names an attempt still in progress; its call webhook follows when it ends',
  },
  callee_not_found: {
    http: 404,
    message: 'Callee is not found in the task',
    when: 'no number or case of the task matches',
  },
  event_not_found: {
    http: 404,
    message: 'Webhook event is not found',
    when: 'the event id does not exist or belongs to another app',
  },
  task_finished: {
    http: 409,
    message: 'Task has finished',
    when: 'the operation needs a task that is still waiting or running',
  },
  callee_final: {
    http: 409,
    message: 'The call is already final',
    when: 'cancelling a number whose dialling already ended',
  },
  unknown_operation: {
    http: 400,
    message: 'Unknown operation',
    when: 'an operation other than stop, pause or resume (task) or stop (plan); the message lists the valid ones',
  },
  operation_not_allowed: {
    http: 409,
    message: 'The operation does not apply to this task',
    when: "pausing a paused task, resuming a task that is not paused, or pausing or resuming a plan's round task (stop the plan instead)",
  },
  missing_signature: {
    http: 401,
    message: 'Request signature is missing',
    when: 'a family that signs requests (docs/api-families.md) got no key header, no signature (an empty one is accepted only for a lenient key), no timestamp where it needs one, or a timestamp that is not Unix seconds',
  },
  invalid_signature: {
    http: 401,
    message: 'Invalid request signature',
    when: 'the signing key is unknown or revoked, or the signature is not the HMAC-SHA256 of the raw body (with the timestamp, when one is sent) with its secret',
  },
  expired_signature: {
    http: 401,
    message: 'Request timestamp is outside the replay window',
    when: 'a signed request whose timestamp is further from the server clock than the replay window (5 minutes by default)',
  },
  signing_key_not_found: {
    http: 404,
    message: 'Signing key not found',
    when: 'revoking or changing a signing key the app does not have (docs/api-families.md, "Signing keys")',
  },
  signing_key_exists: {
    http: 409,
    message: 'The signing key id is already in use',
    when: 'creating a signing key with a key id some app already has or had (revoked ids are not reused)',
  },
  // Messaging and the chatbot (docs/messaging.md, docs/chatbot.md).
  session_not_found: {
    http: 404,
    message: 'Session not found',
    when: 'no chatbot session (call_id) of the app has this id',
  },
  session_closed: {
    http: 409,
    message: 'Session closed',
    when: 'writing to, transferring or closing a session that is already closed (reopen it first)',
  },
  outside_window: {
    http: 422,
    message: 'Outside the 24-hour customer service window',
    when: "a free-form WhatsApp message (agent or bot) more than 24 hours after the user's last message: send a template instead",
  },
  channel_not_found: {
    http: 404,
    message: 'Channel not found',
    when: 'no messaging channel (WABA account, SMS sender) of the app has this channel_id',
  },
  template_not_found: {
    http: 404,
    message: 'Template not found',
    when: 'no template of the channel has this id or name',
  },
  template_not_approved: {
    http: 422,
    message: 'Template is not approved',
    when: 'sending a template whose status is not APPROVED',
  },
  contact_blocked: {
    http: 403,
    message: 'The contact cannot be messaged',
    when: 'the number is on the do-not-call list or opted out (on any channel); the message says which',
  },
  rate_limited: {
    http: 429,
    message: 'Too many requests',
    when: 'the app sends faster than its limit; retry after the Retry-After seconds',
  },
  unsupported_content: {
    http: 400,
    message: 'Unsupported message content',
    when: 'a message type the channel cannot carry (SMS carries text only) or a field over its limit',
  },
  file_too_large: {
    http: 413,
    message: 'The file is too large',
    when: 'an upload over its type limit (image 5 MB, audio and video 16 MB, documents 100 MB)',
  },
  agent_not_found: {
    http: 404,
    message: 'Agent not found',
    when: 'an agent inbox request names a seat_id the app has not created (docs/agent-inbox.md), or a /v1/agents request an agent_id of no dialer agent of the app (docs/agents.md)',
  },
  group_not_found: {
    http: 404,
    message: 'Skill group not found',
    when: 'no skill group of the app has that group_id (docs/agents.md)',
  },
  group_not_empty: {
    http: 409,
    message: 'The skill group still has agents',
    when: 'deleting a skill group that agents belong to: move or delete them first',
  },
  agent_state_conflict: {
    http: 409,
    message: 'The agent cannot do that in its current state',
    when: 'a dialer agent transition its state does not allow (docs/agents.md, "States"); the message names the current state and what it allows',
  },
  workflow_template_invalid: {
    http: 400,
    message: 'Invalid workflow template',
    when: 'an imported workflow graph breaks a rule (docs/workflows.md, "Validation"); the message lists every problem',
  },
  workflow_template_not_found: {
    http: 404,
    message: 'Workflow template not found',
    when: 'no template of the app has that workflow_template_id or workflow_template_name',
  },
  workflow_not_found: {
    http: 404,
    message: 'Workflow not found',
    when: 'no workflow of the app has that workflow_id',
  },
  workflow_record_not_found: {
    http: 404,
    message: 'Workflow record not found',
    when: 'no record of the workflow has that case_id / callee',
  },
  workflow_not_running: {
    http: 400,
    message: 'The workflow is not running',
    when: 'lists are added to, or records changed in, a workflow that is finished, stopped or past its end_time',
  },
  workflow_too_many_records: {
    http: 400,
    message: 'Too many records for one workflow',
    when: 'a workflow would hold more than 10,000 list records; start another workflow for the rest',
  },
  workflow_task_locked: {
    http: 400,
    message: 'The workflow task cannot perform this operation',
    when: 'an ordinary task operation (stop, pause, resume, cancel a number) names a task a workflow node created; stop or cancel through the workflow instead',
  },
  workflow_node_not_reached: {
    http: 404,
    message: 'The record has not passed that node',
    when: 'apinoticeinfo names an API node the record has not passed (or a node that is not an API node)',
  },
  // The predictive-dialer (PDS) family's own errors (docs/pds-api.md).
  ...pdsErrors,
  internal: {
    http: 500,
    message: 'Internal error',
    when: 'an unexpected failure; the log holds the request id',
  },
} satisfies Record<string, ErrorSpec>;

export type ErrorKey = keyof typeof errorTable;

/** An error the client caused or must see; rendered by the API family's envelope. */
export class AppError extends Error {
  readonly key: ErrorKey;
  readonly spec: ErrorSpec;
  readonly detail: string | undefined;

  constructor(key: ErrorKey, detail?: string) {
    const spec: ErrorSpec = errorTable[key];
    super(detail ? `${spec.message}: ${detail}` : spec.message);
    this.key = key;
    this.spec = spec;
    this.detail = detail;
  }
}
