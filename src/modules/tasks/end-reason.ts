// The end reason of a number (`end_reason` in the call object): why its dialling is final.
// Pure, so the call object, /case and the events all derive it the same way.
import type { CalleeRow } from './tasks.repository.ts';

/** Why a number's dialling is final: the field `end_reason` a program branches on. */
export type EndReason =
  | 'connected'
  | 'not_connected'
  | 'invalid'
  | 'expired_window'
  | 'expired_caps'
  | 'expired_task_end'
  | 'cancelled'
  | 'dnc';

/** Why the compliance check last put a waiting number back (callees.hold_reason). */
export type HoldReason = 'window' | 'caps';

export const NOT_DIALLED = 'not_dialled';

const CONNECTED = new Set(['answered', 'hangup']);

/** The end reason of a number; '' while its dialling is not final. */
export function endReasonOf(
  callee: Pick<CalleeRow, 'status' | 'hold_reason'>,
  lastOutcome: string | null | undefined,
): EndReason | '' {
  switch (callee.status) {
    case 'dnc':
      return 'dnc';
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return callee.hold_reason === 'window'
        ? 'expired_window'
        : callee.hold_reason === 'caps'
          ? 'expired_caps'
          : 'expired_task_end';
    case 'done':
      if (lastOutcome === 'invalid') return 'invalid';
      return CONNECTED.has(lastOutcome ?? '') ? 'connected' : 'not_connected';
    default:
      return '';
  }
}

/** Whether an attempt row is a carrier attempt (not a not_dialled record). */
export const wasDialled = (call: { outcome: string | null }) => call.outcome !== NOT_DIALLED;
