import type { CodecChoice } from '../../../src/channels/telephony/sip/media/codec-choice.ts';
import type { MediaFrame } from '../../../src/channels/telephony/sip/media/frame-stream.ts';
import { RtpSession } from '../../../src/channels/telephony/sip/media/rtp-session.ts';

// Shared set-up of the session tests: codec choices, a pair of sessions on loopback pointed at
// each other (or at two ports of a relay), and readers that collect frames until a condition.

export const PCMU: CodecChoice = {
  name: 'PCMU',
  payloadType: 0,
  clockRate: 8000,
  dtmfPayloadType: 101,
};
export const L16: CodecChoice = {
  name: 'L16',
  payloadType: 96,
  clockRate: 16000,
  dtmfPayloadType: 101,
};

export async function sessionPair(
  codec: CodecChoice,
  via?: { portForA: number; portForB: number },
) {
  const a = await RtpSession.open({ host: '127.0.0.1' });
  const b = await RtpSession.open({ host: '127.0.0.1' });
  a.setRemote('127.0.0.1', via?.portForA ?? b.localPort, codec);
  b.setRemote('127.0.0.1', via?.portForB ?? a.localPort, codec);
  return { a, b, close: () => Promise.all([a.close(), b.close()]) };
}

/** Reads frames from the start until `done(frames)` says enough (or the session closes). */
export async function collect(
  session: RtpSession,
  done: (frames: MediaFrame[]) => boolean,
): Promise<MediaFrame[]> {
  const frames: MediaFrame[] = [];
  for await (const frame of session.frames()) {
    frames.push(frame);
    if (done(frames)) break;
  }
  return frames;
}

/** Polls a condition every 20 ms until it holds (the tests' own timeouts bound the wait). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
