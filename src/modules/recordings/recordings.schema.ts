import { Type, type Static } from 'typebox';

// Request and response shapes of the recording endpoints (spec/calls-api.md §6 T8, T9).

const TaskId = Type.String({ minLength: 1, maxLength: 64, description: 'The task_id of /task' });

export const CaseQuery = Type.Object({
  task_id: TaskId,
  callee_number: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'International format; this or case_id is required',
    }),
  ),
  case_id: Type.Optional(Type.String({ maxLength: 128 })),
});
export type CaseQuery = Static<typeof CaseQuery>;

export const CaseRecordings = Type.Object({
  list: Type.Array(
    Type.Object({
      call_id: Type.String(),
      call_start_time: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app time zone' }),
      recording_url: Type.String({
        description:
          'Signed link to a 16 kHz mono WAV, valid 24 h, no Authorization header; "" for a number never dialled',
      }),
      end_reason: Type.String({
        description:
          'Why the number\'s dialling is final, as in the call webhook (docs/api-calls.md#end-reasons); "" while it is not',
      }),
    }),
    {
      description:
        'Every recorded (answered) attempt of the number, oldest first; a number that ended without being dialled has its one terminal record',
    },
  ),
});

export const TaskRecordingQuery = Type.Object({
  task_id: TaskId,
  part: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Part of the archive (tasks over 4 GB of audio)' }),
  ),
});

export const TaskRecordings = Type.Object({
  url: Type.String({ description: 'Signed link to a zip of <call_id>.wav files, valid 24 h' }),
  count: Type.Integer({ description: 'Recordings in this archive' }),
  parts: Type.Integer({ description: 'Archives the task needs; ask again with part=2, 3, …' }),
});
