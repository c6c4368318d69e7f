import { RtpSession, type RtpStats } from '../../src/channels/telephony/sip/media/rtp-session.ts';
import { answerSdp } from '../../src/channels/telephony/sip/sip-sdp.ts';
import type { Dialog } from '../../src/channels/telephony/sip/signalling/dialog.ts';
import type { IncomingInvite } from '../../src/channels/telephony/sip/signalling/incoming-invite.ts';
import { getHeader } from '../../src/channels/telephony/sip/signalling/message.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { resample } from '../../src/dialogue/tts/resample.ts';

// The in-repo SIP test peer (issue 14): a callee on loopback written on Tiller's own SIP and RTP
// code. What it does with a call is the test's choice per dialled number: answer and reply to each
// robot turn with a recording (or keys), hang up after some turns, speak first like an answering
// machine, stay silent, refuse with a SIP status, or ring for ever. It records everything it hears,
// at 16 kHz, so a test can listen to what the robot said.

export type PeerAct =
  | {
      kind: 'answer';
      ringMs?: number;
      /** What it says after each robot turn, in order; then it stays silent. */
      replies?: Array<Pcm | { keys: string }>;
      /** Talks straight after answering, before the robot (an answering machine's greeting). */
      greeting?: Pcm;
      /** Hangs up (BYE) once the robot has spoken this many turns. */
      hangupAfterTurns?: number;
      /** The codecs it accepts, in its order of preference (default: whatever is offered). */
      codecs?: Array<'L16' | 'PCMU' | 'PCMA'>;
    }
  | { kind: 'reject'; status: number; reason?: string; ringMs?: number }
  | { kind: 'ring' };

export interface PeerCall {
  to: string;
  from: string;
  headers: Record<string, string>;
  codec?: string;
  /** Everything heard from the caller, 16 kHz. */
  heard: Int16Array[];
  /** How the call ended for the peer. */
  ended?: 'local' | 'remote' | 'cancelled' | 'rejected';
  /** The peer's RTP receive statistics, taken when the call ended. */
  rtpStats?: RtpStats;
}

export interface Endpoint {
  host: string;
  port: number;
}

/**
 * Puts something between the peer's RTP and the caller's (an impairing relay): given both ends,
 * it says which address the peer's SDP answer names (`advertise`, where the caller sends) and
 * where the peer sends (`sendTo`).
 */
export type MediaRoute = (ends: {
  peer: Endpoint;
  caller: Endpoint;
}) => Promise<{ advertise: Endpoint; sendTo: Endpoint }>;

export interface PeerOptions {
  credentials?: { username: string; password: string };
  mediaRoute?: MediaRoute;
}

/** Quieter than this (mean absolute sample) is silence; the robot's speech is far louder. */
const SILENT = 300;
/** The robot's turn is over once it has been quiet this long. */
const TURN_END_MS = 700;

export class SipTestPeer {
  readonly calls: PeerCall[] = [];
  readonly #ua: SipUserAgent;
  readonly #act: (to: string) => PeerAct;
  readonly #open = new Set<{ close(): Promise<void> }>();
  readonly #mediaRoute: MediaRoute | undefined;

  private constructor(ua: SipUserAgent, act: (to: string) => PeerAct, mediaRoute?: MediaRoute) {
    this.#ua = ua;
    this.#act = act;
    this.#mediaRoute = mediaRoute;
    ua.onInvite((invite) => void this.#take(invite));
  }

  static async start(
    act: (to: string) => PeerAct,
    options: PeerOptions = {},
  ): Promise<SipTestPeer> {
    const ua = await SipUserAgent.start({
      host: '127.0.0.1',
      port: 0,
      t1Ms: 100,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    return new SipTestPeer(ua, act, options.mediaRoute);
  }

  get address(): { host: string; port: number } {
    return this.#ua.address;
  }

  async close(): Promise<void> {
    for (const open of this.#open) await open.close();
    await this.#ua.close();
  }

  async #take(invite: IncomingInvite): Promise<void> {
    const to = userOf(invite.to);
    const call: PeerCall = {
      to,
      from: invite.from,
      headers: headersOf(invite),
      heard: [],
    };
    this.calls.push(call);
    const act = this.#act(to);
    let cancelled = false;
    invite.onCancel(() => {
      cancelled = true;
      call.ended = 'cancelled';
    });
    invite.ringing();
    if (act.kind === 'ring') return;
    await delay(act.ringMs ?? 20);
    if (cancelled) return;
    if (act.kind === 'reject') {
      call.ended = 'rejected';
      invite.reject(act.status, act.reason);
      return;
    }
    const rtp = await RtpSession.open({ host: '127.0.0.1', port: 0 });
    this.#open.add(rtp);
    let media = answerSdp(invite.sdp ?? '', '127.0.0.1', rtp.localPort, act.codecs);
    if (!media) {
      call.ended = 'rejected';
      invite.reject(488, 'Not Acceptable Here');
      await rtp.close();
      return;
    }
    let sendTo: Endpoint = media.remote;
    if (this.#mediaRoute) {
      // The answer names the route's address, and the peer sends through it too.
      const route = await this.#mediaRoute({
        peer: { host: '127.0.0.1', port: rtp.localPort },
        caller: media.remote,
      });
      media = answerSdp(invite.sdp ?? '', route.advertise.host, route.advertise.port, act.codecs)!;
      sendTo = route.sendTo;
    }
    call.codec = media.choice.name;
    rtp.setRemote(sendTo.host, sendTo.port, media.choice);
    const dialog = await invite.answer(media.sdp);
    void dialog.ended.then(({ by }) => {
      call.ended ??= by === 'local' ? 'local' : 'remote';
      call.rtpStats = rtp.stats();
      void rtp.close();
    });
    await this.#converse(act, call, rtp, dialog);
  }

  /** Waits for each robot turn to end, then replies; hangs up after its turns if told to. */
  async #converse(
    act: Extract<PeerAct, { kind: 'answer' }>,
    call: PeerCall,
    rtp: RtpSession,
    dialog: Dialog,
  ): Promise<void> {
    if (act.greeting) rtp.play(act.greeting);
    const replies = [...(act.replies ?? [])];
    let turns = 0;
    let spoke = false;
    let quietMs = 0;
    for await (const frame of rtp.frames()) {
      const wide =
        frame.sampleRate === 16_000
          ? frame.samples
          : resample(frame.samples, frame.sampleRate, 16_000);
      call.heard.push(wide);
      const loud = meanAbs(frame.samples) > SILENT;
      const ms = (frame.samples.length / frame.sampleRate) * 1000;
      if (loud) {
        spoke = true;
        quietMs = 0;
        continue;
      }
      quietMs += ms;
      if (!spoke || quietMs < TURN_END_MS) continue;
      // The robot finished a turn.
      spoke = false;
      turns += 1;
      if (act.hangupAfterTurns !== undefined && turns >= act.hangupAfterTurns) {
        await dialog.bye();
        return;
      }
      const reply = replies.shift();
      if (!reply) continue;
      if ('keys' in reply) await rtp.sendDtmf(reply.keys);
      else rtp.play(reply);
    }
  }
}

/** The whole of what the peer heard on a call, 16 kHz. */
export function heardAudio(call: PeerCall): Pcm {
  const length = call.heard.reduce((n, f) => n + f.length, 0);
  const samples = new Int16Array(length);
  let at = 0;
  for (const frame of call.heard) {
    samples.set(frame, at);
    at += frame.length;
  }
  return { sampleRate: 16_000, samples };
}

function meanAbs(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += Math.abs(s);
  return samples.length === 0 ? 0 : sum / samples.length;
}

function userOf(uri: string): string {
  return /sips?:([^@;>]+)@/.exec(uri)?.[1] ?? uri;
}

function headersOf(invite: IncomingInvite): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['p-asserted-identity', 'from', 'to', 'user-agent']) {
    const value = getHeader(invite.request, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
