import type { Stt } from '../../../dialogue/ports/stt.ts';
import type {
  CallControl,
  CallControlCapabilities,
  Connect,
  LegListener,
  OriginateRequest,
} from '../call-control.ts';
import { RtpSession } from './media/rtp-session.ts';
import { causeOfStatus } from './signalling/causes.ts';
import { answerMedia, offerSdp } from './sip-sdp.ts';
import { agentNameOf, type AgentRegistrar } from './agent-registrar.ts';
import type { SipUserAgent } from './signalling/user-agent.ts';
import { SipLeg } from './sip-leg.ts';
import type { SipTrunkConfig } from '../../../shared/sip-trunk-config.ts';

// Call control over a SIP trunk (docs/sip.md): originate is an INVITE through the trunk's proxy
// with an SDP offer for an RTP session of the call's own; the answer's codec sets the media; the
// leg plays the robot's audio and hears the callee through a speech listener (VAD, endpointing,
// the STT). A call that never connects ends with the cause its SIP status maps to, and the status
// itself goes with it (`carrierCause`) into the call's record.

const CAPABILITIES: CallControlCapabilities = {
  playsText: false,
  recognisesSpeech: true,
  audioFrames: true,
  recording: 'audio',
  bridging: true,
};

export interface SipCallControlOptions {
  ua: SipUserAgent;
  trunk: SipTrunkConfig;
  stt: Stt;
  /** Where our RTP sockets bind (the SIP bind host unless set). */
  rtpHost?: string;
  /** Answering-machine detection on each answered call (default on). */
  amd?: boolean;
  /** Agents' phones registered with Tiller: a transfer to `agent:<name>` rings them directly. */
  agents?: AgentRegistrar;
}

export class SipCallControl implements CallControl {
  readonly capabilities = CAPABILITIES;
  readonly #options: SipCallControlOptions;
  readonly #seen = new Set<string>();
  readonly #legs = new Set<SipLeg>();

  constructor(options: SipCallControlOptions) {
    this.#options = options;
  }

  /** The legs up now (a shutdown hangs them up). */
  get legs(): ReadonlySet<SipLeg> {
    return this.#legs;
  }

  async originate(request: OriginateRequest, events?: LegListener): Promise<Connect> {
    const { callId } = request;
    if (this.#seen.has(callId)) throw new Error(`call ${callId} was already dialled`);
    this.#seen.add(callId);
    return this.#dial(callId, this.#uriOf(request.to), request.from, events);
  }

  /**
   * A leg to an agent, for a transfer: `agent:<name>` rings the agent's phone registered with
   * Tiller, or the agent's extension behind the trunk; a `sip:` URI that phone; anything else is
   * a number through the trunk. The leg plays nothing of its own: the bridge carries its audio.
   */
  async dialAgent(callId: string, target: string, from: string, events?: LegListener) {
    const { trunk, agents } = this.#options;
    const name = agentNameOf(target);
    const phone = name !== undefined ? agents?.bindingOf(name) : undefined;
    if (phone)
      return this.#dial(callId, phone.uri, from, events, { amd: false, via: phone.address });
    const uri = target.startsWith('sip:')
      ? target
      : name !== undefined
        ? `sip:${name}@${trunk.domain}`
        : this.#uriOf(target);
    return this.#dial(callId, uri, from, events, { amd: false });
  }

  async #dial(
    callId: string,
    uri: string,
    from: string,
    events: LegListener | undefined,
    options: { amd?: boolean; via?: { host: string; port: number } } = {},
  ): Promise<Connect> {
    const { ua, trunk } = this.#options;
    const rtp = await RtpSession.open({
      host: this.#options.rtpHost ?? trunk.bind.host,
      portRange: trunk.rtpPortRange,
    });
    const mediaHost = trunk.publicHost ?? ua.address.host;
    const invite = ua.invite({
      target: uri,
      from: `sip:${this.#userOf(from)}@${trunk.domain}`,
      assertedIdentity: `sip:${this.#userOf(from)}@${trunk.domain}`,
      sdp: offerSdp(mediaHost, rtp.localPort),
      proxy: options.via ?? trunk.proxy,
    });
    let ringingAt: number | undefined;
    let heardFromTrunk = false;
    invite.onProvisional((r) => {
      heardFromTrunk = true;
      if ((r.status === 180 || r.status === 183) && ringingAt === undefined) {
        ringingAt = performance.now();
        events?.({ type: 'ringing', callId });
      }
      // Early media (183 with SDP): the carrier's tones and announcements reach our socket.
      const early = r.sdp ? answerMedia(r.sdp) : undefined;
      if (early) rtp.setRemote(early.remote.host, early.remote.port, early.choice);
    });
    let cancelled = false;
    const ringLimit = setTimeout(() => {
      cancelled = true;
      invite.cancel();
    }, trunk.ringTimeoutSeconds * 1000);
    ringLimit.unref();
    const result = await invite.result.finally(() => clearTimeout(ringLimit));
    // Ring time is the callee's phone ringing (from 180/183): a trunk that never said so (timer B
    // after 32 s of silence, an instant 503) rang nothing.
    const ringSeconds =
      ringingAt === undefined ? 0 : Math.round((performance.now() - ringingAt) / 1000);
    const answered = result.status >= 200 && result.status < 300 && result.dialog;
    const media = answered && result.sdp ? answerMedia(result.sdp) : undefined;
    if (!answered || !media) {
      await rtp.close();
      if (answered) await result.dialog!.bye().catch(() => undefined);
      const carrierCause = {
        protocol: 'sip' as const,
        code: result.status,
        // Answered, but with no SDP we can speak: our side hung up at once.
        reason: answered ? 'answered without a codec in common' : result.reason,
      };
      // Our CANCEL after the ring limit is a no answer; a trunk that never answered at all (our
      // INVITE timed out) is a network failure, not a callee who did not pick up.
      const outcome = answered
        ? 'failed'
        : cancelled
          ? 'no_answer'
          : !heardFromTrunk && result.status === 408
            ? 'failed'
            : causeOfStatus(result.status);
      events?.({ type: 'hangup', callId, cause: outcome, carrierCause });
      return { outcome, ringSeconds, carrierCause };
    }
    rtp.setRemote(media.remote.host, media.remote.port, media.choice);
    const leg = new SipLeg({
      callId,
      dialog: result.dialog!,
      rtp,
      stt: this.#options.stt,
      amd: options.amd ?? this.#options.amd ?? true,
      ...(events ? { events } : {}),
      dialAgent: (agentCallId, target) => this.dialAgent(agentCallId, target, from, events),
      onEnd: () => this.#legs.delete(leg),
    });
    this.#legs.add(leg);
    events?.({ type: 'answered', callId, ringSeconds });
    return { outcome: 'answered', ringSeconds, leg };
  }

  #uriOf(number: string): string {
    return `sip:${this.#userOf(number)}@${this.#options.trunk.domain}`;
  }

  #userOf(number: string): string {
    return this.#options.trunk.numberFormat === 'digits' ? number.replace(/^\+/, '') : number;
  }
}
