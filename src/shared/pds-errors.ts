import type { ErrorSpec } from './errors.ts';

// The errors only the PDS family answers (docs/pds-api.md), part of the one error table in
// errors.ts: createtask's and copytask's fields, the queries, the recording of a call. Their
// platform codes (10501-10901) are the family's (src/api/families/pds.ts).

export const pdsErrors = {
  pds_field_invalid: {
    http: 400,
    message: 'Task creation failed',
    when: 'a createtask/copytask field is invalid and has no code of its own (a time that is not YYYY-MM-DD HH:MM:SS, dialingMode, ringLimit, acwTime, templateName, ...); the message names it (docs/pds-api.md)',
  },
  task_id_missing: {
    http: 400,
    message: 'TaskID is null',
    when: 'a PDS request that needs TaskID/taskId has none or an empty one',
  },
  contacts_empty: {
    http: 400,
    message: 'ContactList is null',
    when: 'createtask has no contact, or none of its contacts is valid (the rejected ones are named in the message)',
  },
  start_time_past: {
    http: 400,
    message: 'The scheduled start time can not be earlier than the current time',
    when: 'a PDS task startTime more than a minute before now',
  },
  group_name_missing: {
    http: 400,
    message: 'The groupName is null.',
    when: 'createtask without groupName',
  },
  skill_group_not_found: {
    http: 404,
    message: 'The group is not found.',
    when: 'a PDS task names a groupName no skill group of the app has',
  },
  task_name_invalid: {
    http: 400,
    message: 'Invalid TaskName',
    when: 'a PDS taskName that is empty, longer than 100 characters, or has characters other than letters, digits and _',
  },
  copy_empty: {
    http: 400,
    message: 'Copied task is empty.',
    when: 'copytask finds no contact to copy (after noanswerOnly / ignoreCancelled) and the request adds none',
  },
  task_not_ended: {
    http: 409,
    message: 'Task has not finished.',
    when: 'copytask with noanswerOnly "Y" from a task that is still waiting, running or paused: which numbers were never answered is not settled yet',
  },
  rest_times_invalid: {
    http: 400,
    message: 'Incorrect Task Pause Time',
    when: 'restTimes is not a list of {start, end} HH:MM:SS with start before end, or has overlapping or more than 24 entries',
  },
  repeat_times_invalid: {
    http: 400,
    message: 'invalid RepeatTimes',
    when: 'repeatTimes is not a whole number from 0 to 10',
  },
  bulk_call_interval_invalid: {
    http: 400,
    message: 'invalid BulkCallInterval',
    when: 'bulkCallInterval is not a whole number of seconds from 60 to 86400',
  },
  voicemail_config_invalid: {
    http: 400,
    message: 'invalid Voicemail Config',
    when: 'voicemailCheck/voicemailRedial are not yes/no values, voicemailCheckDuration is not 1-60 s, or voicemailHandle is not a text of at most 64 characters',
  },
  qa_config_invalid: {
    http: 400,
    message: 'invalid QA Config',
    when: 'autoQA is not a yes/no value, autoQA is on without qaConfigId, qaLimitLength is not 0-3600 s or qaLimitRate is not 0-100',
  },
  max_lost_rate_invalid: {
    http: 400,
    message: 'invalid Max Lost Rate',
    when: 'maxLostRate is not a percentage above 0 and at most 100',
  },
  contact_number_interval_invalid: {
    http: 400,
    message: 'invalid Contact Number Interval',
    when: 'contactNumberInterval is not a whole number of seconds from 0 to 86400',
  },
  agent_name_invalid: {
    http: 400,
    message: 'Invalid agentName',
    when: 'agentName names no agent of the app (or is not a list of names)',
  },
  agent_not_in_group: {
    http: 400,
    message: 'agentName is not in the group',
    when: "agentName names an agent of the app who is not in the task's skill group",
  },
  task_query_invalid: {
    http: 400,
    message: 'Check Task failed',
    when: 'a querytasklist filter is invalid (a time, state, filterTime, orderBy or limit); the message names it',
  },
  detail_query_invalid: {
    http: 400,
    message: 'Check TaskDetail failed',
    when: 'a querytaskdetail filter is invalid (a time, orderBy, like, limit or offset); the message names it',
  },
  call_id_missing: {
    http: 400,
    message: 'CallID is null',
    when: 'case/recording without callid',
  },
  call_id_invalid: {
    http: 404,
    message: 'CallID is invalid',
    when: 'case/recording names no call of the app',
  },
  call_not_pds: {
    http: 400,
    message: "CallID can't be verified",
    when: "case/recording names a call of the app that is not a PDS task's (a cloud task's call: use /service/cloud/case)",
  },
  call_not_ended: {
    http: 409,
    message: 'The call of the CallID is not finished',
    when: 'case/recording names a call still in progress',
  },
  call_not_talked: {
    http: 409,
    message: 'The call of the CallID is not talked',
    when: 'case/recording names a call that never reached an agent, so nobody talked',
  },
  pds_end_time_too_close: {
    http: 400,
    message: 'At least 5 minutes between task start time and task end time',
    when: 'a PDS task autoEndTime less than 5 minutes after its start',
  },
  pds_end_time_other_day: {
    http: 400,
    message: 'Task start time and task end time must be on the same day',
    when: "a PDS task autoEndTime on another day than its start, in the app's zone",
  },
  task_id_invalid: {
    http: 400,
    message: 'TaskID is invalid',
    when: 'a PDS TaskID/taskId that is not 32 hex characters',
  },
  task_not_pds: {
    http: 400,
    message: "TaskID can't be verified",
    when: 'a PDS request names a task of the app that is not a PDS task (a cloud task)',
  },
  query_limit_exceeded: {
    http: 400,
    message: 'The number of queries exceeds the number limit',
    when: 'querytaskdetail limit above 50,000, or querytasklist limit above 1,000',
  },
  recording_file_missing: {
    http: 404,
    message: "File doesn't exist",
    when: 'case/recording names a talked call whose recording is not stored (not yet written, or removed by retention)',
  },
  voicemail_not_enabled: {
    http: 400,
    message: 'Voicemail configuration is not enabled',
    when: 'a PDS task asks for voicemailRedial or a voicemailHandle without voicemailCheck',
  },
} satisfies Record<string, ErrorSpec>;
