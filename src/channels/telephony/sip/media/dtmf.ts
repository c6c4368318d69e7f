// RFC 4733 telephone events (DTMF over RTP). The payload is four bytes: the event (0-9, * = 10,
// # = 11, A-D = 12-15), a byte holding the end bit, a reserved bit and the volume (0-63, in -dBm0),
// and the duration so far in timestamp units. Every packet of one event carries the event's start
// timestamp; the sender repeats updates while the key is held and sends the end packet three
// times, so the receiver reports a key once per start timestamp.

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0-63 (10 is a typical keypad level). */
  volume: number;
  /** Timestamp units since the event started. */
  duration: number;
}

const DIGITS = '0123456789*#ABCD';

export function eventOfDigit(digit: string): number {
  const event = DIGITS.indexOf(digit.toUpperCase());
  if (event < 0 || digit.length !== 1) throw new Error(`not a DTMF key: ${JSON.stringify(digit)}`);
  return event;
}

/** The key of an event, or undefined for events that are not keys (fax tones and the like). */
export function digitOfEvent(event: number): string | undefined {
  return DIGITS[event];
}

export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out[2] = (e.duration >> 8) & 0xff;
  out[3] = e.duration & 0xff;
  return out;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/**
 * Turns received event packets into one report per key press. A key is reported at its first
 * end packet; if every end packet was lost, it is reported when the next event starts.
 */
export class DtmfReceiver {
  readonly #reported: number[] = [];
  #open: { timestamp: number; digit: string } | undefined;
  readonly #onDigit: (digit: string) => void;

  constructor(onDigit: (digit: string) => void) {
    this.#onDigit = onDigit;
  }

  receive(timestamp: number, payload: Uint8Array): void {
    const event = decodeTelephoneEvent(payload);
    const digit = event && digitOfEvent(event.event);
    if (!event || digit === undefined || this.#reported.includes(timestamp)) return;
    if (this.#open && this.#open.timestamp !== timestamp) this.#report(this.#open);
    this.#open = { timestamp, digit };
    if (event.end) this.#report(this.#open);
  }

  #report(key: { timestamp: number; digit: string }): void {
    this.#open = undefined;
    this.#reported.push(key.timestamp);
    // Retransmissions come within a few packets: a short memory is enough.
    if (this.#reported.length > 16) this.#reported.shift();
    this.#onDigit(key.digit);
  }
}

/**
 * The packets of one key press, one per 20 ms frame: updates with a growing duration (the first
 * marked), then the end packet three times. `toneFrames` is how many frames the key is held.
 */
export function keyPressPackets(
  digit: string,
  frameSamples: number,
  toneFrames = 5,
): Array<{ marker: boolean; payload: Uint8Array }> {
  const event = eventOfDigit(digit);
  const packets: Array<{ marker: boolean; payload: Uint8Array }> = [];
  for (let i = 1; i < toneFrames; i++) {
    const payload = encodeTelephoneEvent({
      event,
      end: false,
      volume: 10,
      duration: i * frameSamples,
    });
    packets.push({ marker: i === 1, payload });
  }
  const end = encodeTelephoneEvent({
    event,
    end: true,
    volume: 10,
    duration: toneFrames * frameSamples,
  });
  for (let i = 0; i < 3; i++) packets.push({ marker: false, payload: end });
  return packets;
}
