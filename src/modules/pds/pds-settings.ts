// A PDS task's settings as stored in `tasks.pds` (migration 0029): what createtask gave, validated
// and normalised by the PDS API (docs/pds-api.md), read by the PDS dialer (docs/pds.md). The wire
// names are AIRudder's (spec/workflow-api.md Appendix B); these are ours, with units in the name.

export type DialingMode = 'preview' | 'progressive' | 'predictive';

/** What happens to an answered call no agent takes within the connect limit. */
export type AbandonAction = 'message' | 'robot' | 'hangup';

export interface RestTime {
  /** HH:MM:SS in the app's time zone; dialing pauses from start to end every day. */
  start: string;
  end: string;
}

export interface PdsSettings {
  /** The skill group whose agents take the calls (agents module). */
  groupId: number;
  groupName: string;
  /** When not empty, only these agents of the group take the task's calls. */
  agentNames: string[];
  remark: string;
  restTimes: RestTime[];
  /** The decoded `callback`; null when absent or not a URL: the task then sends no webhooks. */
  callbackUrl: string | null;
  dialingMode: DialingMode;
  /** Percent of live answers that may be abandoned (AIRudder's maxLostRate; 3 = 3 %). */
  maxLostRatePercent: number;
  /** After-call work per call; null: the group's acw_seconds. */
  acwSeconds: number | null;
  /** How long a number rings before it counts as no answer. */
  ringLimitSeconds: number;
  /** How long an answered call may wait for an agent before it is abandoned (2 s by default). */
  connectLimitSeconds: number;
  abandonAction: AbandonAction;
  /** Attempts per number after the first, and the wait between them (callInterval). */
  repeatTimes: number;
  callIntervalSeconds: number;
  /** Wait between two numbers of one contact (contactNumberInterval). */
  contactNumberIntervalSeconds: number;
  bulkCallIntervalSeconds: number;
  dialingOrder: string;
  /** Lines per agent a fixed-ratio (slot) dial would use; the predictive pacer ignores it. */
  slotFactor: number | null;
  autoSlotFactor: boolean;
  voicemail: {
    check: boolean;
    checkDurationSeconds: number;
    handle: string;
    redial: boolean;
  };
  qa: {
    auto: boolean;
    configId: string | null;
    limitLength: number | null;
    limitRate: number | null;
  };
  resultStrategies: unknown;
  /** The robot that takes the first seconds of each answered call (null: the app's default opening). */
  templateName: string | null;
  /** Task this one was copied from (copytask). */
  copiedFrom: string | null;
}
