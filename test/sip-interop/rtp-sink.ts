// The caller's media port in the harness: a UDP socket of the test that receives the callee's
// RTP and keeps each packet's sequence number, payload type and payload. Tiller's own media
// stack replaces it later; here it proves what SIPp's rtp_stream really sends.
import { createSocket, type Socket } from 'node:dgram';

export interface RtpPacket {
  sequence: number;
  payloadType: number;
  payload: Buffer;
}

export interface RtpSink {
  readonly port: number;
  readonly packets: RtpPacket[];
  /** Resolves once `count` packets have arrived. */
  waitForPackets(count: number, timeoutMs?: number): Promise<void>;
  /** The payloads in sequence order, joined (the audio as the callee sent it). */
  audio(): Buffer;
  close(): Promise<void>;
}

export async function openRtpSink(): Promise<RtpSink> {
  const socket: Socket = createSocket('udp4');
  const packets: RtpPacket[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    // RFC 3550: 12-byte fixed header (no CSRCs from SIPp), version in the top two bits.
    if (data.length < 12 || data[0]! >> 6 !== 2) return;
    packets.push({
      sequence: data.readUInt16BE(2),
      payloadType: data[1]! & 0x7f,
      payload: data.subarray(12),
    });
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

  const waitForPackets = async (count: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (packets.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`RTP sink: ${packets.length} of ${count} packets arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };

  return {
    port: socket.address().port,
    packets,
    waitForPackets,
    audio: () =>
      Buffer.concat([...packets].sort((a, b) => a.sequence - b.sequence).map((p) => p.payload)),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
