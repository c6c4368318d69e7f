import { Type, type TSchema } from 'typebox';

// Request and answer shapes of the PDS family (docs/pds-api.md). Request fields are declared so
// that the family's wire habits map any spelling onto them (`TaskID`, `taskid`), but their values
// are left to the service's readers: a wrong value answers its own PDS code (10521 for
// repeatTimes, ...), not a generic validation error. Keys that are not declared are ignored.

const field = (description: string) => Type.Optional(Type.Unknown({ description }));

const loose = (fields: Record<string, TSchema>) => Type.Object(fields);

const TASK_FIELDS = {
  taskName: field('Letters, digits and _, 1 to 100 characters; unique in the app (10518, 10508)'),
  startTime: field(
    'YYYY-MM-DD HH:MM:SS in the app zone; "" or absent: as soon as possible (10509)',
  ),
  autoEndTime: field(
    'YYYY-MM-DD HH:MM:SS, the same day, at least 5 minutes after the start (10620, 10621); absent: the end of that day',
  ),
  groupName: field('The skill group whose agents take the calls (10512, 10511)'),
  agentName: field('Only these agents of the group (10550, 10551); absent: all of them'),
  remark: field('A note, up to 1,000 characters'),
  restTimes: field('Daily pauses: [{start, end}] HH:MM:SS (10520)'),
  callback: field('Base64 of the webhook URL; not a URL: the task sends no webhooks'),
  contactList: field('Phone numbers: E.164, or local (08…) in the app country'),
  customizeContacts: field(
    'Contacts as flat maps of strings; the phone under phoneNumber, phone, mobile, …',
  ),
  dialingOrder: field('Kept as given (up to 32 characters); default "sequential"'),
  autoSlotFactor: field('Yes/no'),
  slotFactor: field('Lines per agent for a fixed-ratio dial, 0.1 to 10'),
  callInterval: field('Seconds between two attempts of a number, 0 to 86400; default 300'),
  acwTime: field('After-call work in seconds, 0 to 3600; absent: the group’s'),
  maxLostRate: field('Abandon limit in percent of live answers, above 0 to 100; default 3 (10525)'),
  contactNumberInterval: field('Seconds between two numbers of one contact, 0 to 86400 (10526)'),
  ringLimit: field('Seconds a number rings, 5 to 120; default 25'),
  dialingMode: field('predictive (default), progressive or preview'),
  repeatTimes: field('Attempts per number after the first, 0 to 10 (10521)'),
  bulkCallInterval: field('Seconds, 60 to 86400; default 60 (10522)'),
  autoQA: field('Yes/no; needs qaConfigId (10524). autoQa is the same field'),
  qaConfigId: field('QA configuration id'),
  qaLimitLength: field('Seconds, 0 to 3600 (10524)'),
  qaLimitRate: field('Percent, 0 to 100 (10524)'),
  voicemailCheck: field('Yes/no (10523)'),
  voicemailCheckDuration: field('Seconds, 1 to 60 (10523)'),
  voicemailHandle: field('Up to 64 characters; anything but "hangup" needs voicemailCheck (10901)'),
  voicemailRedial: field('Yes/no; needs voicemailCheck (10901)'),
  resultStrategies: field('Kept as given (a JSON list or object up to 64 KB)'),
  templateName: field(
    'The robot that opens each answered call; absent: the app’s default opening robot',
  ),
};

export const CreateTaskBody = loose(TASK_FIELDS);

export const CopyTaskBody = loose({
  ...TASK_FIELDS,
  fromTask: field('The name of the PDS task to copy (10506)'),
  noanswerOnly: field(
    '"Y": only numbers no call of which was answered; the source must have ended (10515)',
  ),
  ignoreCancelled: field('"Y": leave out the cancelled numbers'),
});

export const CreatedTask = Type.Object({
  taskId: Type.String(),
  errorContactList: Type.Array(Type.Unknown(), {
    description:
      'The contacts not created, as sent (invalid number, no phone key, repeated, already queued in an active task)',
  }),
});

export const TaskListBody = loose({
  minstarttime: field(
    'Lower bound of filterTime (YYYY-MM-DD HH:MM:SS in the app zone, or ISO 8601)',
  ),
  maxstarttime: field('Upper bound of filterTime'),
  filterTime: field(
    'The time the bounds apply to: CreatedAt | startTime (default) | actualStartTime | endTime',
  ),
  taskName: field('The task of this name'),
  state: field('Creating | Not Started | Running | Paused | Cancelled | Finished'),
  orderBy: field('CreatedAt (default) | actualStartTime | startTime | endTime, newest first'),
  limit: field('At most 1,000 (10705); default 100'),
});

const Time = (description: string) => Type.String({ description });

export const TaskItem = Type.Object({
  taskId: Type.String(),
  taskName: Type.String(),
  state: Type.String(),
  groupName: Type.String(),
  dialingMode: Type.String(),
  remark: Type.String(),
  createdAt: Time('YYYY-MM-DD HH:MM:SS, app zone'),
  startTime: Time('scheduled start'),
  autoEndTime: Time('scheduled end'),
  actualStartTime: Time('first dial; "" before'),
  endTime: Time('when it finished or was cancelled; "" before'),
  totalCount: Type.Integer(),
  calledCount: Type.Integer(),
  answeredCount: Type.Integer(),
});

export const TaskList = Type.Object({ total: Type.Integer(), list: Type.Array(TaskItem) });

export const DetailBody = loose({
  taskId: field('The PDS task (10502, 10702, 10506, 10703)'),
  limit: field('Calls per page, at most 50,000 (10705); absent: 50,000'),
  offset: field('Calls to skip'),
  orderBy: field('calltime (the only order, oldest first)'),
  needCustomerInfo: field('Yes/no: add each contact’s customerInfo'),
  like: field('[{field: "callid" | "phoneNumber", pattern}] SQL LIKE patterns'),
  minstarttime: field('Calls dialled at or after'),
  maxstarttime: field('Calls dialled at or before'),
});

const CustomizeResult = Type.Object({
  title: Type.String(),
  groupName: Type.String(),
  value: Type.String(),
});

const Utc = (description: string) =>
  Type.String({ description: `YYYY-MM-DDTHH:MM:SSZ: ${description}` });

export const DetailItem = Type.Object({
  callid: Type.String(),
  taskId: Type.String(),
  taskName: Type.String(),
  callType: Type.String({ description: 'the task dialingMode' }),
  callResultType: Type.String(),
  phoneNumber: Type.String(),
  mainNumber: Type.String(),
  calltime: Utc('dialled'),
  ringtime: Utc('ringing began (the dial)'),
  answertime: Utc('answered; "" if not'),
  talktime: Utc('bridged to the agent; "" if not'),
  endtime: Utc('ended; "" while in progress'),
  ringDuration: Type.Integer({ description: 'seconds' }),
  talkDuration: Type.Integer({ description: 'seconds with the agent' }),
  nthCall: Type.Integer(),
  hangupReason: Type.Integer(),
  reclink: Type.String(),
  customizeResults: Type.Array(CustomizeResult),
  agentName: Type.String(),
  talkremarks: Type.String(),
  phoneTag: Type.String(),
  customerInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const Detail = Type.Object({ total: Type.Integer(), list: Type.Array(DetailItem) });

export const CancelBody = loose({
  TaskID: field('The PDS task (10502, 10702, 10506, 10703, 10513)'),
  contactList: field('Numbers to cancel (10505 none, 10510 unreadable)'),
});

export const Cancelled = Type.Object({
  contactList: Type.Array(Type.Unknown(), { description: 'The numbers removed, as sent' }),
});

export const RecordingBody = loose({
  callid: field('The call (10608, 10609, 10610, 10611, 10612, 10820)'),
});

export const RecordingLink = Type.Object({
  link: Type.String({ description: 'A signed WAV link that needs no token' }),
});
