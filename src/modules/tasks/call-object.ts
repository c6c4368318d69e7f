import { formatDateTime } from '../../shared/time.ts';
import type { CallRow } from './calls.repository.ts';
import { endReasonOf, wasDialled } from './end-reason.ts';
import type { CalleeRow } from './tasks.repository.ts';

/**
 * Renders a number's attempts as the seed's `call` object: the last attempt's fields, the number
 * of carrier attempts in call_times, and the earlier attempts in redial_call, plus the number's
 * `end_reason` ('' while its dialling is not final). A number never dialled has one not_dialled
 * record: call_times 0, ring_type "not_dialled", hangup_type "NotDialled". Times in the app's zone.
 */
export function callObject(
  attempts: CallRow[],
  zone: string,
  callee: Pick<CalleeRow, 'status' | 'hold_reason'>,
) {
  const last = attempts.at(-1);
  if (!last) throw new Error('callObject needs at least one attempt');
  const r = last.result;
  const lastDialled = attempts.findLast(wasDialled);
  return {
    task_id: last.task_id,
    call_id: last.id,
    robot_id: String(last.robot_id),
    callee_number: last.callee_number,
    call_start_time: formatDateTime(last.started_at, zone),
    call_end_time: formatDateTime(last.ended_at ?? last.started_at, zone),
    call_times: attempts.filter(wasDialled).length,
    ring_type: r?.ring_type ?? 'normal',
    hangup_type: last.hangup_type ?? 'BySystem',
    intention: r?.intention ?? '',
    ner_slots: r?.ner_slots ?? {},
    slots: r?.slots ?? '',
    talk_round: r?.talk_round ?? 0,
    ring_time: last.ring_time ?? 0,
    question_answer: r?.question_answer ?? [],
    multi_label: r?.multi_label ?? {},
    intention_description: r?.intention_description ?? '',
    asr_ptp: r?.asr_ptp ?? '',
    asr_result: r?.asr_result ?? [],
    redial_call: attempts
      .slice(0, -1)
      .filter(wasDialled)
      .map((a) => ({
        call_id: a.id,
        call_start_time: formatDateTime(a.started_at, zone),
        ring_type: a.result?.ring_type ?? 'normal',
        ring_time: a.ring_time ?? 0,
        hangup_type: a.hangup_type ?? 'BySystem',
        result_label: a.result?.intention ?? '',
        callee_number: a.callee_number,
        caller_number: a.caller_number,
      })),
    caller_number: last.caller_number,
    end_reason: endReasonOf(callee, lastDialled?.outcome),
  };
}

export type CallObject = ReturnType<typeof callObject>;
