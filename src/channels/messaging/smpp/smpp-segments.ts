// A person's long SMS arrives in parts, each its own deliver_sm: numbered by a UDH
// concatenation element (IEI 0x00, 8-bit reference; IEI 0x08, 16-bit reference) or by the
// sar_* TLVs. The parts are held here until the last one arrives and handed on as one message.
// A message whose parts stop coming is handed on as far as it got after `timeoutMs`, with a
// gap mark, rather than lost: the centre was told each part was received.
import type { PDU } from 'smpp';

export interface Segment {
  /** The reference shared by the parts of one message (with its sender and recipient). */
  ref: number;
  total: number;
  /** From 1. */
  seq: number;
}

/** The concatenation numbers of a deliver_sm, or undefined for a whole message. */
export function segmentOf(pdu: PDU): Segment | undefined {
  const ref = pdu.sar_msg_ref_num;
  const total = pdu.sar_total_segments;
  const seq = pdu.sar_segment_seqnum;
  if (typeof ref === 'number' && typeof total === 'number' && typeof seq === 'number') {
    return total > 1 ? { ref, total, seq } : undefined;
  }
  const decoded = pdu.short_message as { udh?: Buffer[] } | undefined;
  for (const element of decoded?.udh ?? []) {
    if (element[0] === 0x00 && element[1] === 3 && element.length >= 5) {
      return valid({ ref: element[2]!, total: element[3]!, seq: element[4]! });
    }
    if (element[0] === 0x08 && element[1] === 4 && element.length >= 6) {
      return valid({ ref: element.readUInt16BE(2), total: element[4]!, seq: element[5]! });
    }
  }
  return undefined;
}

const valid = (s: Segment) => (s.total > 1 && s.seq >= 1 && s.seq <= s.total ? s : undefined);

/** What stands for parts that never came, in a message handed on incomplete. */
export const MISSING_PART = '[…]';

interface Pending<T> {
  parts: Map<number, string>;
  total: number;
  timer: NodeJS.Timeout;
  /** What the caller keeps of the first part (its event), for a message handed on incomplete. */
  first: T;
}

export class SegmentAssembler<T> {
  readonly #pending = new Map<string, Pending<T>>();
  readonly #timeoutMs: number;
  readonly #onTimeout: (first: T, text: string) => void;

  /** `onTimeout` gets a message whose parts stopped coming, as far as it got. */
  constructor(timeoutMs: number, onTimeout: (first: T, text: string) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
  }

  /**
   * Adds a part: the whole text once every part is in, else undefined. `key` names the sender
   * and recipient (references are theirs, not global).
   */
  add(key: string, segment: Segment, text: string, first: T): string | undefined {
    // A part that comes after its message was handed on whole starts a new group: a centre
    // redelivers only what was not answered with success, so that does not happen.
    const id = `${key}#${segment.ref}/${segment.total}`;
    let pending = this.#pending.get(id);
    if (!pending) {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#onTimeout(pending!.first, joined(pending!));
      }, this.#timeoutMs);
      timer.unref();
      pending = { parts: new Map(), total: segment.total, timer, first };
      this.#pending.set(id, pending);
    }
    // A part the centre delivers twice counts once.
    pending.parts.set(segment.seq, text);
    if (pending.parts.size < pending.total) return undefined;
    return joined(pending);
  }

  /**
   * Forgets a message handed on. Until then its parts stay: if handing it on failed, the centre
   * delivers the last part again and add() gives the whole text again.
   */
  release(key: string, segment: Segment): void {
    const id = `${key}#${segment.ref}/${segment.total}`;
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
  }

  /** Drops what is held (the channel closes). */
  clear(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
  }
}

function joined(pending: Pending<unknown>): string {
  const out: string[] = [];
  for (let seq = 1; seq <= pending.total; seq++) out.push(pending.parts.get(seq) ?? MISSING_PART);
  return out.join('');
}
