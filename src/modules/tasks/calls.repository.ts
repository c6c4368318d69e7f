import type { QuestionAnswer } from '../../dialogue/verify.ts';
import type { Queryable } from '../../store/db.ts';
import { voidInterruptedCalls } from '../compliance/contact-ledger.ts';

export type CallOutcome =
  | 'answered'
  | 'no_answer'
  | 'busy'
  | 'invalid'
  | 'hangup'
  | 'voicemail'
  | 'interrupted'
  /** The network failed to connect it (a trunk's 5xx, an INVITE nobody answered). */
  | 'failed'
  /** A number's terminal record without a carrier attempt (tasks/number-ends.ts). */
  | 'not_dialled';

/** What the robot made of a call; stored as jsonb, rendered into the seed's call object. */
export interface CallResult {
  ring_type: string;
  intention: string;
  intention_description: string;
  talk_round: number;
  ner_slots: Record<string, string>;
  slots: string;
  multi_label: Record<string, string>;
  asr_ptp: string;
  asr_result: Array<{ time: string; robottext: string; text: string }>;
  question_answer: QuestionAnswer[];
}

/** The result of a call without a conversation (not connected, or cut short). */
export function resultWithoutTalk(
  ringType: string,
  intention: string,
  description: string,
): CallResult {
  return {
    ring_type: ringType,
    intention,
    intention_description: description,
    talk_round: 0,
    ner_slots: {},
    slots: '',
    multi_label: {},
    asr_ptp: '',
    asr_result: [],
    question_answer: [],
  };
}

export interface CallRow {
  id: string;
  app_id: number;
  task_id: string;
  callee_id: number;
  attempt: number;
  state: 'dialing' | 'final';
  outcome: CallOutcome | null;
  robot_id: number;
  robot_version: number | null;
  callee_number: string;
  caller_number: string;
  worker_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  ring_time: number | null;
  hangup_type: string | null;
  result: CallResult | null;
}

export const CALL_COLUMNS = `id, app_id, task_id, callee_id, attempt, state, outcome, robot_id, robot_version, callee_number,
  caller_number, worker_id, started_at, ended_at, ring_time, hangup_type, result`;

export interface CallEnd {
  outcome: CallOutcome;
  endedAt: Date;
  ringTime: number;
  hangupType: string;
  result: CallResult;
  /** What the line said (a real trunk): kept in calls.telephony. */
  telephony?: CallTelephony;
}

/** The line's own account of a call (docs/sip.md): absent on the simulator. */
export interface CallTelephony {
  carrierCause?: { protocol: 'sip'; code: number; reason: string };
  amd?: { verdict: 'human' | 'machine' | 'unknown'; confidence: number; atSeconds: number };
}

/**
 * Ends dialling attempts once, in one statement; returns those this run ended (not re-runs). An
 * attempt that ended `interrupted` (our own failure) is voided in the contact ledger by the same
 * statement, so it stops counting against the person's caps.
 */
export async function endCalls(
  q: Queryable,
  ends: ReadonlyArray<{ callId: string; end: CallEnd }>,
): Promise<CallRow[]> {
  if (ends.length === 0) return [];
  return q.query<CallRow>(
    `WITH ended AS (
       UPDATE calls SET state = 'final', outcome = r.outcome, ended_at = r.ended_at,
         ring_time = r.ring_time, hangup_type = r.hangup_type, result = r.result,
         telephony = r.telephony
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, outcome text, ended_at timestamptz,
         ring_time int, hangup_type text, result jsonb, telephony jsonb)
       WHERE calls.id = r.id AND calls.state = 'dialing'
       RETURNING ${CALL_COLUMNS.replace(/(\w+)/g, 'calls.$1')}),
     voided AS (${voidInterruptedCalls('ended')})
     SELECT * FROM ended`,
    [
      JSON.stringify(
        ends.map(({ callId, end }) => ({
          id: callId,
          outcome: end.outcome,
          ended_at: end.endedAt,
          ring_time: end.ringTime,
          hangup_type: end.hangupType,
          result: end.result,
          telephony: end.telephony ?? null,
        })),
      ),
    ],
  );
}

/** Attempts that count against redial_times, per callee: those not cut short by our own failure. */
export async function countedAttemptsOf(
  q: Queryable,
  calleeIds: readonly number[],
): Promise<Map<number, number>> {
  if (calleeIds.length === 0) return new Map();
  const rows = await q.query<{ callee_id: number; n: number }>(
    `SELECT callee_id, count(*) AS n FROM calls
     WHERE callee_id = ANY($1::bigint[]) AND state = 'final'
       AND outcome NOT IN ('interrupted', 'not_dialled')
     GROUP BY callee_id`,
    [calleeIds],
  );
  return new Map(rows.map((r) => [Number(r.callee_id), Number(r.n)]));
}

/** Every ended attempt of these callees, oldest first. */
export async function finalCallsOf(q: Queryable, calleeIds: number[]): Promise<CallRow[]> {
  if (calleeIds.length === 0) return [];
  return q.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE callee_id = ANY($1::bigint[]) AND state = 'final'
     ORDER BY callee_id, attempt`,
    [calleeIds],
  );
}

export async function dialingCallsOfGoneWorkers(
  q: Queryable,
  ownerIsGone: string,
): Promise<CallRow[]> {
  return q.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE state = 'dialing' AND ${ownerIsGone}`,
  );
}

/** Attempts a worker still has dialling: the dialer compares them with the calls it knows of. */
export async function dialingCallsOfWorker(q: Queryable, workerId: string): Promise<CallRow[]> {
  return q.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE state = 'dialing' AND worker_id = $1`,
    [workerId],
  );
}

/**
 * One attempt of an app by id with the attempts of its number up to it, oldest first, and its
 * compliance record; undefined when the app has no such call.
 */
export async function callWithEarlierAttempts(q: Queryable, appId: number, callId: string) {
  const [call] = await q.query<CallRow & { compliance: object | null; case_id: string }>(
    // A PDS task's call is the PDS family's (case/recording), not the cloud call info's.
    `SELECT ${CALL_COLUMNS}, compliance, case_id FROM calls WHERE id = $1 AND app_id = $2
       AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = calls.task_id AND t.kind = 'robot')`,
    [callId, appId],
  );
  if (!call) return undefined;
  const attempts = await q.query<CallRow>(
    `SELECT ${CALL_COLUMNS} FROM calls
     WHERE callee_id = $1 AND state = 'final' AND attempt < $2 ORDER BY attempt`,
    [call.callee_id, call.attempt],
  );
  return { call, attempts: [...attempts, call] };
}
