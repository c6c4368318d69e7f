// The callee side of the SIP call benchmark (bench/sip-calls.ts), run as a child process so that
// its work does not count against the Tiller process being measured. It answers every INVITE,
// waits for each robot turn to end (700 ms without a loud frame, as test/fakes/sip-test-peer.ts
// does) and replies with eSpeak NG speech in the callee's voice.
//
// It does not reuse SipTestPeer because the benchmark needs what that peer keeps private: the RTP
// session's receive statistics (late, lost, jitter of the robot's audio, seen by a receiver in
// another process), and two instants per reply. Those instants are taken on a tap, a pair of UDP
// sockets between Tiller and our RTP session: the SDP answer names the tap, so every robot packet
// is seen as it arrives, before our jitter buffer (which would add its 60 ms), and our packets
// leave from the tap's port, so Tiller's symmetric RTP stays on it.
//
// Talks to the parent over the fork IPC channel: 'config' (codecs, replies), 'mark' (start of a
// measurement window), 'report' (what happened since the mark), 'clear' (forget ended calls).
// Times are epoch milliseconds (performance.timeOrigin + now) so the parent can compare them.

import { createSocket, type Socket } from 'node:dgram';
import { codecFor, type Codec } from '../src/channels/telephony/sip/media/codecs.ts';
import { sharedMediaClock } from '../src/channels/telephony/sip/media/media-clock.ts';
import { parseRtp } from '../src/channels/telephony/sip/media/rtp-packet.ts';
import { RtpSession, type RtpStats } from '../src/channels/telephony/sip/media/rtp-session.ts';
import type { IncomingInvite } from '../src/channels/telephony/sip/signalling/incoming-invite.ts';
import { SipUserAgent } from '../src/channels/telephony/sip/signalling/user-agent.ts';
import { answerSdp } from '../src/channels/telephony/sip/sip-sdp.ts';
import { EspeakTts } from '../src/dialogue/tts/espeak-tts.ts';
import type { Pcm } from '../src/dialogue/tts/tts.ts';

export type CalleeCommand =
  | { type: 'config'; codecs: Array<'L16' | 'PCMU' | 'PCMA'>; replies: string[]; loop: boolean }
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'clear' };

/** One reply of the callee and the robot's answer to it, epoch ms. */
export interface ReplyTimes {
  /** The packet carrying the reply's last voiced sample left the callee. */
  speechEndAt: number;
  /** The robot's first packet after it arrived at the callee. */
  firstPacketAt?: number;
  /** The robot's first packet with sound in it (not the TTS's leading silence). */
  firstLoudAt?: number;
}

export interface CalleeReport {
  type: 'report';
  calls: number;
  /** Sums over the calls' sessions since the mark: the robot's audio as we received it. */
  received: number;
  late: number;
  lost: number;
  jitterMeanMs: number;
  jitterMaxMs: number;
  /** Our own clock's ticks since the mark, and those that ran >= 60 ms late. */
  ticks: number;
  lateTicks: number;
  /** Per call (by dialled number), its replies in order. */
  replies: Record<string, ReplyTimes[]>;
}

/** A frame this loud (mean absolute sample) is speech; the robot's lines are far louder. */
const LOUD = 300;
const TURN_END_MS = 700;
const epochNow = () => performance.timeOrigin + performance.now();

interface CalleeCall {
  to: string;
  rtp: RtpSession;
  tap: Socket[];
  replies: ReplyTimes[];
  /** A reply is playing or waiting for the robot's first packet. */
  awaiting: ReplyTimes | undefined;
  mark: RtpStats | undefined;
  closed: boolean;
}

let config: Extract<CalleeCommand, { type: 'config' }> = {
  type: 'config',
  codecs: ['PCMU'],
  replies: [],
  loop: true,
};
let replyAudio: Pcm[] = [];
const calls = new Set<CalleeCall>();
const tts = new EspeakTts({ sampleRate: 16_000 });
let clockMark = sharedMediaClock.lateness.slice();

const ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0 });
ua.onInvite((invite) => void answer(invite).catch((e: unknown) => console.error(e)));
process.send!({ type: 'ready', address: ua.address });

process.on('message', (command: CalleeCommand) => void handle(command));

async function handle(command: CalleeCommand): Promise<void> {
  switch (command.type) {
    case 'config':
      config = command;
      replyAudio = await Promise.all(
        command.replies.map(async (text) => trim(await tts.synthesize(text, 'en', 'callee'))),
      );
      process.send!({ type: 'configured' });
      return;
    case 'mark':
      clockMark = sharedMediaClock.lateness.slice();
      for (const call of calls) call.mark = call.rtp.stats();
      process.send!({ type: 'marked' });
      return;
    case 'report':
      process.send!(report());
      return;
    case 'clear':
      for (const call of calls) await closeCall(call);
      calls.clear();
      process.send!({ type: 'cleared' });
      return;
  }
}

function report(): CalleeReport {
  const r: CalleeReport = {
    type: 'report',
    calls: 0,
    received: 0,
    late: 0,
    lost: 0,
    jitterMeanMs: 0,
    jitterMaxMs: 0,
    ticks: 0,
    lateTicks: 0,
    replies: {},
  };
  for (const call of calls) {
    r.replies[call.to] = call.replies;
    if (!call.mark) continue;
    const now = call.rtp.stats();
    r.calls += 1;
    r.received += now.received - call.mark.received;
    r.late += now.late - call.mark.late;
    r.lost += now.lost - call.mark.lost;
    r.jitterMeanMs += now.jitterMs;
    r.jitterMaxMs = Math.max(r.jitterMaxMs, now.jitterMs);
  }
  r.jitterMeanMs /= Math.max(1, r.calls);
  const lateness = sharedMediaClock.lateness.map((n, i) => n - (clockMark[i] ?? 0));
  r.ticks = lateness.reduce((a, b) => a + b, 0);
  r.lateTicks = lateness.slice(3).reduce((a, b) => a + b, 0);
  return r;
}

async function answer(invite: IncomingInvite): Promise<void> {
  invite.ringing();
  const rtp = await RtpSession.open({ host: '127.0.0.1', port: 0 });
  const toTiller = await bindUdp();
  const toSession = await bindUdp();
  const media = answerSdp(invite.sdp ?? '', '127.0.0.1', portOf(toTiller), config.codecs);
  if (!media) {
    invite.reject(488, 'Not Acceptable Here');
    await rtp.close();
    toTiller.close();
    toSession.close();
    return;
  }
  const to = /sips?:([^@;>]+)@/.exec(invite.to)?.[1] ?? invite.to;
  const call: CalleeCall = {
    to,
    rtp,
    tap: [toTiller, toSession],
    replies: [],
    awaiting: undefined,
    mark: undefined,
    closed: false,
  };
  calls.add(call);
  const codec = codecFor(media.choice);
  const tiller = media.remote;
  toTiller.on('message', (datagram) => {
    heardRobotPacket(call, codec, datagram);
    toSession.send(datagram, rtp.localPort, '127.0.0.1');
  });
  toSession.on('message', (datagram) => toTiller.send(datagram, tiller.port, tiller.host));
  rtp.setRemote('127.0.0.1', portOf(toSession), media.choice);
  const dialog = await invite.answer(media.sdp);
  void dialog.ended.then(() => closeCall(call));
  await converse(call);
}

/** The robot's packet at the tap: the first one, and the first loud one, after our reply. */
function heardRobotPacket(call: CalleeCall, codec: Codec, datagram: Buffer): void {
  const reply = call.awaiting;
  if (!reply || reply.speechEndAt === 0) return;
  const at = epochNow();
  reply.firstPacketAt ??= at;
  const packet = parseRtp(datagram);
  if (!packet || packet.payloadType === 101) return;
  if (meanAbs(codec.decode(packet.payload)) > LOUD) {
    reply.firstLoudAt = at;
    call.awaiting = undefined;
  }
}

/** Replies after each robot turn, in order (or round and round for the load steps). */
async function converse(call: CalleeCall): Promise<void> {
  let turn = 0;
  let spoke = false;
  let quietMs = 0;
  for await (const frame of call.rtp.frames()) {
    const loud = meanAbs(frame.samples) > LOUD;
    if (loud) {
      spoke = true;
      quietMs = 0;
      continue;
    }
    quietMs += (frame.samples.length / frame.sampleRate) * 1000;
    if (!spoke || quietMs < TURN_END_MS || call.awaiting) continue;
    spoke = false;
    const audio = config.loop ? replyAudio[turn % replyAudio.length] : replyAudio[turn];
    turn += 1;
    if (!audio) continue;
    const reply: ReplyTimes = { speechEndAt: 0 };
    call.replies.push(reply);
    call.awaiting = reply;
    void call.rtp.play(audio).done.then(({ completed }) => {
      // done settles as the last packet leaves; trim() made its last sample a voiced one.
      if (completed) reply.speechEndAt = epochNow();
    });
  }
}

async function closeCall(call: CalleeCall): Promise<void> {
  if (call.closed) return;
  call.closed = true;
  await call.rtp.close();
  for (const socket of call.tap) socket.close();
}

/** The reply without its leading and trailing silence: its end is then its last packet. */
function trim(pcm: Pcm): Pcm {
  const { samples } = pcm;
  let first = 0;
  let last = samples.length - 1;
  while (first < last && Math.abs(samples[first]!) < LOUD) first++;
  while (last > first && Math.abs(samples[last]!) < LOUD) last--;
  return { sampleRate: pcm.sampleRate, samples: samples.slice(first, last + 1) };
}

function meanAbs(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += Math.abs(s);
  return samples.length === 0 ? 0 : sum / samples.length;
}

function bindUdp(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

function portOf(socket: Socket): number {
  return socket.address().port;
}
