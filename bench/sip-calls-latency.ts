// Turn latency of the SIP call benchmark (bench/sip-calls.ts): whole robot calls through the real
// voice driver (converseOnLeg: SipLeg, SpeechListener, ConversationMachine with the keyword NLU,
// EspeakTts), the callee child replying with eSpeak speech over L16/16000. Each turn runs from the
// end of the callee's reply (the packet with its last voiced sample left the callee) to the
// robot's first packet with sound arriving back at the callee, split by instants taken on both
// sides (epoch ms; one machine, one system clock):
//
//   endpointing  reply end -> utterance handed to the STT (network, our 60 ms jitter buffer,
//                the 600 ms hangover, the 20 ms frame grid)
//   stt          the STT's transcribe()
//   engine       transcript -> the next line asked of the TTS (listener, driver, machine.handle)
//   tts          synthesize() (a cache hit or a miss)
//   wire         TTS done -> the line's first packet at the callee (play queue, next clock tick)
//   lead         first packet -> first packet with sound (the TTS's leading silence)

import type { CallLeg } from '../src/channels/telephony/call-control.ts';
import type { SipUserAgent } from '../src/channels/telephony/sip/signalling/user-agent.ts';
import type { Stt } from '../src/dialogue/ports/stt.ts';
import type { TurnInput } from '../src/dialogue/ports/turn.ts';
import { KeywordNlu } from '../src/dialogue/nlu/keyword-nlu.ts';
import type { RobotDefinition } from '../src/dialogue/script/robot-script.ts';
import { ConversationMachine } from '../src/dialogue/step-machine.ts';
import { calleeVars } from '../src/dialogue/template.ts';
import type { Tts } from '../src/dialogue/tts/tts.ts';
import type { ClaimedCall } from '../src/modules/dialer/dial-claims.ts';
import { converseOnLeg } from '../src/modules/dialer/voice-call.ts';
import type { ReplyTimes } from './sip-calls-callee.ts';
import { callControlTo, type Callee, TimedStt, TimedTts } from './sip-calls-tiller.ts';

export const STAGES = ['endpointing', 'stt', 'engine', 'tts', 'wire', 'lead'] as const;
export type Stage = (typeof STAGES)[number];
export type TurnLatency = Record<Stage | 'total', number>;

/** What the callee says, in order, to the info-check robot: identity, full name, ID digits. */
export const CALLEE_REPLIES = ['yes that is me', 'Budi Santoso', 'one two three four'];
const CALLEE = {
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  extra: [{ Question: 'id_last4', Content: '1234' }],
};

export interface LatencyRun {
  turns: TurnLatency[];
  /** Replies the robot did not answer in turn (the STT heard nothing, or the call ended). */
  skipped: number;
  calls: number;
}

/**
 * `calls` robot calls (started 1.5 s apart, so that their STT runs seldom overlap), each with its own STT from `stt()`; gives
 * every answered reply's latency. The callee must be configured with CALLEE_REPLIES, L16.
 */
export async function measureTurns(o: {
  ua: SipUserAgent;
  callee: Callee;
  robot: RobotDefinition;
  tts: Tts;
  ttsMiss: boolean;
  stt: () => Stt;
  calls: number;
  tag: string;
}): Promise<LatencyRun> {
  const stts: TimedStt[] = [];
  const runs: Array<Promise<void>> = [];
  for (let i = 0; i < o.calls; i++) {
    const stt = new TimedStt(o.stt());
    stts.push(stt);
    runs.push(robotCall(o, stt, `+62810${o.tag}${String(i).padStart(3, '0')}`));
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  await Promise.all(runs);
  const report = await o.callee.report();
  await o.callee.command({ type: 'clear' });
  const out: LatencyRun = { turns: [], skipped: 0, calls: o.calls };
  for (let i = 0; i < o.calls; i++) {
    const number = `62810${o.tag}${String(i).padStart(3, '0')}`;
    pair(report.replies[number] ?? [], stts[i]!, out);
  }
  return out;
}

async function robotCall(
  o: Parameters<typeof measureTurns>[0],
  stt: TimedStt,
  to: string,
): Promise<void> {
  const callControl = callControlTo(o.ua, o.callee.address, stt);
  const connect = await callControl.originate({
    callId: `latency-${to}`,
    from: '+6221000088',
    to,
    attempt: 1,
  });
  if (connect.outcome !== 'answered') throw new Error(`bench call to ${to}: ${connect.outcome}`);
  const leg: CallLeg = connect.leg;
  // What converseOnLeg reads of a claimed attempt; the rest belongs to the dialer's store.
  const call = {
    callId: `latency-${to}`,
    robot: o.robot,
    callee: CALLEE,
    zone: 'Asia/Jakarta',
    optOutListed: false,
  } as unknown as ClaimedCall;
  const tts = new TimedTts(o.tts, stt, { miss: o.ttsMiss });
  await converseOnLeg({ callControl, nlu: new KeywordNlu(), tts }, call, leg, new Date());
  await leg.hangup('robot');
}

/** The callee's k-th reply is the k-th utterance the STT was given (one utterance per reply). */
function pair(replies: ReplyTimes[], stt: TimedStt, out: LatencyRun): void {
  for (let k = 0; k < replies.length; k++) {
    const r = replies[k]!;
    const t = stt.turns[k];
    if (
      !t ||
      t.empty ||
      t.sttEndAt === 0 ||
      t.ttsStartAt === undefined ||
      t.ttsEndAt === undefined ||
      r.firstPacketAt === undefined ||
      r.firstLoudAt === undefined ||
      r.speechEndAt === 0
    ) {
      out.skipped += 1;
      continue;
    }
    const turn: TurnLatency = {
      endpointing: t.sttStartAt - r.speechEndAt,
      stt: t.sttEndAt - t.sttStartAt,
      engine: t.ttsStartAt - t.sttEndAt,
      tts: t.ttsEndAt - t.ttsStartAt,
      wire: r.firstPacketAt - t.ttsEndAt,
      lead: r.firstLoudAt - r.firstPacketAt,
      total: r.firstLoudAt - r.speechEndAt,
    };
    // A stage out of order means the pairing slipped (the robot spoke on a timeout, not in
    // answer to this reply): the turn is not one we can split.
    if (STAGES.some((s) => turn[s] < -1)) out.skipped += 1;
    else out.turns.push(turn);
  }
}

/**
 * Every line the robot may say on the paths a callee's replies can take (understood, not
 * understood, silent), for pre-warming the TTS cache: a live deployment holds them after its
 * first calls.
 */
export async function robotLines(robot: RobotDefinition): Promise<string[]> {
  const heard = (text: string): TurnInput => ({ kind: 'speech', text });
  const silence: TurnInput = { kind: 'silence', seconds: 8 };
  const paths: TurnInput[][] = [
    CALLEE_REPLIES.map(heard),
    [heard('yes'), heard('someone else'), heard('nine nine')],
    [heard('hmm'), heard('hmm'), heard('hmm')],
    [heard('yes'), heard('hmm'), heard('hmm'), heard('hmm')],
    [silence, silence, silence],
    [heard('wrong number')],
  ];
  const lines = new Set<string>();
  const nlu = new KeywordNlu();
  for (const path of paths) {
    const machine = ConversationMachine.begin({
      robot,
      vars: calleeVars(CALLEE),
      now: new Date(),
      timeZone: 'Asia/Jakarta',
      optOutListed: false,
      channel: 'voice',
    });
    let actions = machine.start();
    for (const input of path) {
      for (const a of actions) if (a.type === 'say') lines.add(a.text);
      if (machine.state.status === 'ended') break;
      actions = await machine.handle(input, nlu);
    }
    for (const a of actions) if (a.type === 'say') lines.add(a.text);
  }
  return [...lines];
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
