import type { ErrorKey } from '../../../shared/errors.ts';
import type { DialingMode, PdsSettings, RestTime } from '../pds-settings.ts';
import { absent, readNumber, readText, readYesNo, refuse, type NumberRule } from './pds-fields.ts';

// createtask's settings fields → the stored PdsSettings (without the group, agents and robot,
// which the service resolves against the store). Every field is optional; a field not sent takes
// the base's value (copytask: the source task's) or the default below. docs/pds-api.md lists the
// fields, their units, ranges and codes.

export type PdsBody = Record<string, unknown>;

/** What the reader decides; the service adds the group, the agents and the robot. */
export type PdsSettingsFields = Omit<
  PdsSettings,
  'groupId' | 'groupName' | 'agentNames' | 'templateName' | 'copiedFrom'
>;

export const DEFAULT_SETTINGS: PdsSettingsFields = {
  remark: '',
  restTimes: [],
  callbackUrl: null,
  dialingMode: 'predictive',
  maxLostRatePercent: 3,
  acwSeconds: null,
  ringLimitSeconds: 25,
  connectLimitSeconds: 2,
  abandonAction: 'message',
  repeatTimes: 0,
  callIntervalSeconds: 300,
  contactNumberIntervalSeconds: 0,
  bulkCallIntervalSeconds: 60,
  dialingOrder: 'sequential',
  slotFactor: null,
  autoSlotFactor: false,
  voicemail: { check: false, checkDurationSeconds: 5, handle: 'hangup', redial: false },
  qa: { auto: false, configId: null, limitLength: null, limitRate: null },
  resultStrategies: null,
};

const DAY_SECONDS = 86_400;
const MAX_REST_TIMES = 24;
const MAX_RESULT_STRATEGIES_BYTES = 64 * 1024;
const DIALING_MODES: readonly DialingMode[] = ['preview', 'progressive', 'predictive'];

export function readSettings(body: PdsBody, base: PdsSettingsFields): PdsSettingsFields {
  const number = (field: string, key: ErrorKey, rule: NumberRule, fallback: number) =>
    absent(body[field]) ? fallback : readNumber(key, field, body[field], rule);
  const orNull = (field: string, key: ErrorKey, rule: NumberRule, fallback: number | null) =>
    absent(body[field]) ? fallback : readNumber(key, field, body[field], rule);
  const yesNo = (field: string, key: ErrorKey, fallback: boolean) =>
    absent(body[field]) ? fallback : readYesNo(key, field, body[field]);
  const invalid = 'pds_field_invalid';

  const voicemail = {
    check: yesNo('voicemailCheck', 'voicemail_config_invalid', base.voicemail.check),
    checkDurationSeconds: number(
      'voicemailCheckDuration',
      'voicemail_config_invalid',
      { min: 1, max: 60 },
      base.voicemail.checkDurationSeconds,
    ),
    handle: absent(body.voicemailHandle)
      ? base.voicemail.handle
      : readText('voicemail_config_invalid', 'voicemailHandle', body.voicemailHandle, 64),
    redial: yesNo('voicemailRedial', 'voicemail_config_invalid', base.voicemail.redial),
  };
  // Redialling voicemails, or handling them, needs them detected first.
  const asksVoicemailAction =
    voicemail.redial || (!absent(body.voicemailHandle) && voicemail.handle !== 'hangup');
  if (!voicemail.check && asksVoicemailAction)
    throw refuse(
      'voicemail_not_enabled',
      voicemail.redial ? 'voicemailRedial' : 'voicemailHandle',
      voicemail.redial ? body.voicemailRedial : body.voicemailHandle,
      'needs voicemailCheck "Y"',
    );

  const qa = {
    auto: yesNo('autoQA', 'qa_config_invalid', base.qa.auto),
    configId: absent(body.qaConfigId)
      ? base.qa.configId
      : readText('qa_config_invalid', 'qaConfigId', body.qaConfigId, 64),
    limitLength: orNull(
      'qaLimitLength',
      'qa_config_invalid',
      { min: 0, max: 3600, integer: true },
      base.qa.limitLength,
    ),
    limitRate: orNull('qaLimitRate', 'qa_config_invalid', { min: 0, max: 100 }, base.qa.limitRate),
  };
  if (qa.auto && qa.configId === null)
    throw refuse('qa_config_invalid', 'autoQA', body.autoQA, 'needs a qaConfigId');

  return {
    remark: absent(body.remark) ? base.remark : readText(invalid, 'remark', body.remark, 1000),
    restTimes: absent(body.restTimes) ? base.restTimes : readRestTimes(body.restTimes),
    callbackUrl: body.callback === undefined ? base.callbackUrl : decodeCallback(body.callback),
    dialingMode: absent(body.dialingMode) ? base.dialingMode : readMode(body.dialingMode),
    maxLostRatePercent: absent(body.maxLostRate)
      ? base.maxLostRatePercent
      : readLostRate(body.maxLostRate),
    acwSeconds: orNull('acwTime', invalid, { min: 0, max: 3600, integer: true }, base.acwSeconds),
    ringLimitSeconds: number(
      'ringLimit',
      invalid,
      { min: 5, max: 120, integer: true },
      base.ringLimitSeconds,
    ),
    connectLimitSeconds: base.connectLimitSeconds,
    abandonAction: base.abandonAction,
    repeatTimes: number(
      'repeatTimes',
      'repeat_times_invalid',
      { min: 0, max: 10, integer: true },
      base.repeatTimes,
    ),
    callIntervalSeconds: number(
      'callInterval',
      invalid,
      { min: 0, max: DAY_SECONDS, integer: true },
      base.callIntervalSeconds,
    ),
    contactNumberIntervalSeconds: number(
      'contactNumberInterval',
      'contact_number_interval_invalid',
      { min: 0, max: DAY_SECONDS, integer: true },
      base.contactNumberIntervalSeconds,
    ),
    bulkCallIntervalSeconds: number(
      'bulkCallInterval',
      'bulk_call_interval_invalid',
      { min: 60, max: DAY_SECONDS, integer: true },
      base.bulkCallIntervalSeconds,
    ),
    dialingOrder: absent(body.dialingOrder)
      ? base.dialingOrder
      : readText(invalid, 'dialingOrder', body.dialingOrder, 32),
    slotFactor: orNull('slotFactor', invalid, { min: 0.1, max: 10 }, base.slotFactor),
    autoSlotFactor: yesNo('autoSlotFactor', invalid, base.autoSlotFactor),
    voicemail,
    qa,
    resultStrategies: absent(body.resultStrategies)
      ? base.resultStrategies
      : readResultStrategies(body.resultStrategies),
  };
}

function readMode(value: unknown): DialingMode {
  const mode = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const found = DIALING_MODES.find((m) => m === mode);
  if (!found)
    throw refuse('pds_field_invalid', 'dialingMode', value, DIALING_MODES.join(', ') + ' or none');
  return found;
}

/** A percentage of live answers, as AIRudder's console shows it: 3 means 3 %. */
function readLostRate(value: unknown): number {
  const rate = readNumber('max_lost_rate_invalid', 'maxLostRate', value, { min: 0, max: 100 });
  if (rate === 0) throw refuse('max_lost_rate_invalid', 'maxLostRate', value, 'above 0');
  return rate;
}

function readResultStrategies(value: unknown): unknown {
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (typeof value !== 'object' || bytes > MAX_RESULT_STRATEGIES_BYTES)
    throw refuse(
      'pds_field_invalid',
      'resultStrategies',
      value,
      `a JSON list or object of at most ${MAX_RESULT_STRATEGIES_BYTES} bytes`,
    );
  return value;
}

const CLOCK = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Seconds since midnight of `HH:MM[:SS]`, or undefined. */
function clockSeconds(value: unknown): number | undefined {
  const m = typeof value === 'string' ? CLOCK.exec(value.trim()) : null;
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return h * 3600 + min * 60 + s;
}

const hms = (seconds: number) =>
  [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');

/** The daily pauses, sorted, each start before its end, none overlapping another. */
export function readRestTimes(value: unknown): RestTime[] {
  const bad = (rule: string) => refuse('rest_times_invalid', 'restTimes', value, rule);
  if (!Array.isArray(value) || value.length > MAX_REST_TIMES)
    throw bad(`a list of at most ${MAX_REST_TIMES} {start, end} items`);
  const spans = value.map((item, i) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    // Keys in any case, as everywhere in the family ("Start", "END").
    const get = (name: string) =>
      typeof item === 'object' && item !== null
        ? Object.entries(entry).find(([k]) => k.toLowerCase() === name)?.[1]
        : undefined;
    const start = clockSeconds(get('start'));
    const end = clockSeconds(get('end'));
    if (start === undefined || end === undefined)
      throw bad(`item ${i} needs start and end as HH:MM:SS`);
    if (start >= end) throw bad(`item ${i}: start must be before end`);
    return { start, end };
  });
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) throw bad('two rest times overlap');
  }
  return spans.map((s) => ({ start: hms(s.start), end: hms(s.end) }));
}

/**
 * The webhook URL `callback` carries, base64 (standard or URL alphabet). Anything that does not
 * decode to an http(s) URL gives null: the task runs without webhooks, as AIRudder does.
 */
export function decodeCallback(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const decoded = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    .toString('utf8')
    .trim();
  try {
    const url = new URL(decoded);
    return url.protocol === 'http:' || url.protocol === 'https:' ? decoded : null;
  } catch {
    return null;
  }
}
