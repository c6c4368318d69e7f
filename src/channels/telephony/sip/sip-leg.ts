import type { Stt } from '../../../dialogue/ports/stt.ts';
import type { Segment } from '../../../dialogue/timeline.ts';
import { AnsweringMachineDetector, type AmdResult } from '../../../dialogue/voice/amd.ts';
import { SpeechListener } from '../../../dialogue/voice/speech-listener.ts';
import { turnGrammar } from '../../../dialogue/voice/turn-grammar.ts';
import { writeStereoWav, writeWav } from '../../../dialogue/wav.ts';
import type {
  AudioFrame,
  CallLeg,
  Connect,
  HangupCause,
  HeardInput,
  LegListener,
  LegRecording,
  ListenHints,
  Played,
  RecordedAudio,
  Utterance,
} from '../call-control.ts';
import type { RtpSession, RtpStats } from './media/rtp-session.ts';
import type { Dialog } from './signalling/dialog.ts';
import { withoutLeadingSilence } from './leading-silence.ts';

// One answered SIP call: its dialog (BYE, re-INVITE) and its RTP session. Every frame the callee
// sends goes, in one loop, to the answering-machine detector (first seconds only), to the speech
// listener (VAD, endpointing, STT: what `listen` answers) and, when bridged, to the other leg;
// `frames()` readers read the session themselves. Speech that starts while the robot talks stops the robot (barge-in).

const HANGUP: HeardInput = { kind: 'hangup' };
const MACHINE: HeardInput = { kind: 'machine' };
const CUT: Played = { completed: false };

export interface SipLegOptions {
  callId: string;
  dialog: Dialog;
  rtp: RtpSession;
  stt: Stt;
  amd: boolean;
  events?: LegListener;
  /** Places an agent's leg for a transfer. */
  dialAgent(callId: string, target: string): Promise<Connect>;
  onEnd(): void;
}

export class SipLeg implements CallLeg {
  readonly callId: string;
  readonly #o: SipLegOptions;
  readonly #listener: SpeechListener;
  readonly #amd: AnsweringMachineDetector | undefined;
  #up = true;
  #playing = 0;
  /** Settles when the detector hears a machine: it cuts the listen in progress. */
  readonly #machine: Promise<HeardInput>;
  #heardMachine: ((heard: HeardInput) => void) | undefined;
  #isMachine = false;
  #bridged: SipLeg | undefined;
  #agents = 0;
  /** What was played and heard, with when (seconds from the answer), while recording. */
  #segments: Array<{ segment: Segment; at: number }> | undefined;

  constructor(options: SipLegOptions) {
    this.#o = options;
    this.callId = options.callId;
    this.#listener = new SpeechListener({
      stt: options.stt,
      onSpeechStart: () => {
        // Barge-in: the callee talks over the robot, who stops to listen.
        if (this.#playing > 0) options.rtp.stopPlayback();
      },
    });
    this.#amd = options.amd ? new AnsweringMachineDetector() : undefined;
    this.#machine = new Promise((resolve) => (this.#heardMachine = resolve));
    options.rtp.onDtmf((digit) => {
      this.#listener.dtmf(digit);
      options.events?.({ type: 'dtmf', callId: this.callId, digits: digit });
    });
    void options.dialog.ended.then(({ by }) => this.#end(by === 'local' ? 'robot' : 'callee'));
    void this.#pump();
  }

  get up(): boolean {
    return this.#up;
  }

  /** What the line did to the callee's audio (loss, lateness, jitter); kept after the call ends. */
  rtpStats(): RtpStats {
    return this.#o.rtp.stats();
  }

  async play(utterance: Utterance): Promise<Played> {
    if (!this.#up) return CUT;
    if (!utterance.audio) throw new Error('a SIP leg plays audio: the driver synthesises the line');
    this.#mark({ speaker: 'robot', text: utterance.text });
    this.#playing += 1;
    try {
      return await this.#o.rtp.play(withoutLeadingSilence(utterance.audio)).done;
    } finally {
      this.#playing -= 1;
    }
  }

  async listen(hints: ListenHints): Promise<HeardInput> {
    if (!this.#up) return HANGUP;
    if (this.#isMachine) return MACHINE;
    const grammar = turnGrammar(hints);
    const heard = await Promise.race([
      this.#listener.listen({ ...hints, ...(grammar ? { grammar } : {}) }),
      this.#machine,
    ]);
    switch (heard.kind) {
      case 'speech': {
        const at = 'timings' in heard ? heard.timings?.speechStartMs : undefined;
        this.#mark({ speaker: 'callee', text: heard.text }, at);
        this.#o.events?.({ type: 'speech', callId: this.callId, text: heard.text });
        return { kind: 'speech', text: heard.text };
      }
      case 'dtmf':
        this.#mark({ speaker: 'callee', text: heard.digits });
        return { kind: 'dtmf', digits: heard.digits };
      case 'silence':
        this.#mark({ silenceSeconds: heard.seconds });
        return { kind: 'silence', seconds: heard.seconds };
      default:
        return heard;
    }
  }

  async *frames(): AsyncIterable<AudioFrame> {
    if (!this.#up) return;
    // The session gives each reader a queue of its own; the leg only says whose audio it is.
    for await (const frame of this.#o.rtp.frames())
      yield { sampleRate: frame.sampleRate, samples: frame.samples, from: 'callee' };
  }

  record(): LegRecording {
    const recording = this.#o.rtp.record();
    this.#segments = [];
    const segments = this.#segments;
    const startedAt = this.#listener.now / 1000;
    let stopped: Promise<RecordedAudio> | undefined;
    return {
      stop: () =>
        (stopped ??= Promise.resolve().then(() => {
          const { mixed, callee, robot } = recording.stop();
          if (this.#segments === segments) this.#segments = undefined;
          return {
            segments: segments.map((s) => s.segment),
            audio: {
              wav: writeWav(mixed),
              timing: {
                offsets: segments.map((s) => Math.max(0, s.at - startedAt)),
                totalSeconds: mixed.samples.length / mixed.sampleRate,
              },
              legs: writeStereoWav(callee, robot),
            },
          };
        })),
    };
  }

  async transfer(target: string): Promise<CallLeg> {
    if (!this.#up) throw new Error(`call ${this.callId} has ended: it cannot be transferred`);
    this.#agents += 1;
    const agentCallId = `${this.callId}:agent-${this.#agents}`;
    const connect = await this.#o.dialAgent(agentCallId, target);
    if (connect.outcome !== 'answered')
      throw new Error(`the agent at ${target} did not answer (${connect.outcome})`);
    this.#o.events?.({
      type: 'transferred',
      callId: this.callId,
      target,
      agentLeg: agentCallId,
    });
    await this.bridge(connect.leg);
    return connect.leg;
  }

  async bridge(other: CallLeg): Promise<void> {
    if (!(other instanceof SipLeg)) throw new Error('a SIP leg bridges only to another');
    if (!this.#up || !other.#up) throw new Error('only legs that are up can be bridged');
    if (this.#bridged || other.#bridged)
      throw new Error('a leg is bridged to one other leg at most');
    this.#bridged = other;
    other.#bridged = this;
    this.#o.events?.({ type: 'bridged', callId: this.callId, with: other.callId });
    other.#o.events?.({ type: 'bridged', callId: other.callId, with: this.callId });
  }

  hangup(cause: 'robot' | 'system' = 'robot'): Promise<void> {
    return this.#hangUpAs(cause);
  }

  async #hangUpAs(cause: HangupCause): Promise<void> {
    if (!this.#up) return;
    this.#end(cause);
    // A BYE the far end already sent leaves nothing to end: the dialog refuses, which is fine.
    await this.#o.dialog.bye().catch(() => undefined);
  }

  /** Every frame the far end sends, to everyone who hears this leg. */
  async #pump(): Promise<void> {
    const { rtp } = this.#o;
    for await (const frame of rtp.frames()) {
      if (!this.#up) break;
      this.#listener.push(frame);
      const verdict = this.#amd?.push(frame);
      if (verdict) this.#decided(verdict);
      // A bridge: the far party hears this side as it comes (the other leg's own pacing).
      if (this.#bridged?.up)
        this.#bridged.#o.rtp.play({ sampleRate: frame.sampleRate, samples: frame.samples });
    }
    this.#end('callee');
  }

  /** The detector's verdict: an event for the call's record; a machine ends the listening. */
  #decided(verdict: AmdResult): void {
    this.#o.events?.({
      type: 'amd',
      callId: this.callId,
      verdict: verdict.verdict,
      confidence: verdict.confidence,
      atSeconds: verdict.decidedAtMs / 1000,
    });
    if (verdict.verdict !== 'machine') return;
    this.#isMachine = true;
    this.#heardMachine?.(MACHINE);
  }

  /** A segment of the recording, at a media time (ms; default now). */
  #mark(segment: Segment, atMs = this.#listener.now): void {
    this.#segments?.push({ segment, at: atMs / 1000 });
  }

  /** The leg ends once; a bridged partner loses its far party and ends with it. */
  #end(cause: HangupCause): void {
    if (!this.#up) return;
    this.#up = false;
    this.#listener.end();
    this.#o.events?.({ type: 'hangup', callId: this.callId, cause });
    void this.#o.rtp.close();
    this.#o.onEnd();
    const partner = this.#bridged;
    this.#bridged = undefined;
    if (partner) {
      partner.#bridged = undefined;
      void partner.#hangUpAs('callee');
    }
  }
}
