import type { LegEvent, LegListener } from '../../channels/telephony/call-control.ts';
import type { CallEnd, CallTelephony } from '../tasks/call-access.ts';

// What a call's line said beside the conversation, for the call's record (calls.telephony): the
// answering-machine detector's verdict with its confidence and time, and the carrier's cause when
// the line ended it. The simulator says neither (its amd events carry no confidence).

export class LineNotes {
  #telephony: CallTelephony = {};

  readonly listener: LegListener = (event: LegEvent) => {
    if (event.type === 'amd' && event.confidence !== undefined) {
      this.#telephony.amd = {
        verdict: event.verdict,
        confidence: event.confidence,
        atSeconds: event.atSeconds ?? 0,
      };
    } else if (event.type === 'hangup' && event.carrierCause) {
      this.#telephony.carrierCause = event.carrierCause;
    }
  };

  /** The end with what the line said added (unchanged when it said nothing). */
  onto(end: CallEnd): CallEnd {
    const telephony = { ...this.#telephony, ...end.telephony };
    return Object.keys(telephony).length > 0 ? { ...end, telephony } : end;
  }
}
