// The RTP fixed header of RFC 3550 §5.1, parsed and written by hand: twelve bytes, then the CSRC
// list (4 bytes each), an optional header extension (4-byte header + length words) and, when the
// padding bit is set, padding whose count is the payload's last byte. We keep the extension's
// bytes off the payload and never write one.

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  /** 16 bits; wraps at 65536. */
  sequence: number;
  /** 32 bits, in the codec's clock; wraps at 2^32. */
  timestamp: number;
  ssrc: number;
  csrcs?: number[];
  payload: Uint8Array;
}

const FIXED_HEADER = 12;
const VERSION = 2;

/** Parses a datagram; undefined for anything that is not well-formed RTP version 2. */
export function parseRtp(datagram: Uint8Array): RtpPacket | undefined {
  if (datagram.length < FIXED_HEADER) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const first = datagram[0]!;
  if (first >> 6 !== VERSION) return undefined;
  const padding = (first & 0x20) !== 0;
  const extension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  const second = datagram[1]!;
  const payloadType = second & 0x7f;
  // 72-76 (with the marker, 200-204) are RTCP packet types arriving on a shared port (RFC 5761).
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  let at = FIXED_HEADER;
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++, at += 4) {
    if (at + 4 > datagram.length) return undefined;
    csrcs.push(view.getUint32(at));
  }
  if (extension) {
    if (at + 4 > datagram.length) return undefined;
    const words = view.getUint16(at + 2);
    at += 4 + words * 4;
  }
  let end = datagram.length;
  if (padding) {
    const count = datagram[end - 1]!;
    if (count === 0) return undefined;
    end -= count;
  }
  if (at > end) return undefined;
  return {
    payloadType,
    marker: (second & 0x80) !== 0,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    ...(csrcs.length > 0 ? { csrcs } : {}),
    payload: datagram.subarray(at, end),
  };
}

/** Writes a packet: version 2, no padding, no extension; sequence and timestamp taken modulo. */
export function serializeRtp(packet: RtpPacket): Buffer {
  const csrcs = packet.csrcs ?? [];
  if (csrcs.length > 15) throw new Error('at most 15 CSRCs');
  const header = FIXED_HEADER + csrcs.length * 4;
  const out = Buffer.allocUnsafe(header + packet.payload.length);
  out[0] = (VERSION << 6) | csrcs.length;
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out.writeUInt16BE(packet.sequence & 0xffff, 2);
  out.writeUInt32BE(packet.timestamp >>> 0, 4);
  out.writeUInt32BE(packet.ssrc >>> 0, 8);
  csrcs.forEach((csrc, i) => out.writeUInt32BE(csrc >>> 0, FIXED_HEADER + i * 4));
  out.set(packet.payload, header);
  return out;
}
