import type {
  CallControl,
  CallLeg,
  LegRecording,
  OriginateRequest,
  Utterance,
} from '../../channels/telephony/call-control.ts';
import type { Nlu } from '../../dialogue/nlu/nlu.ts';
import type { Action, TurnInput } from '../../dialogue/ports/turn.ts';
import type { ConversationResult } from '../../dialogue/result.ts';
import { ConversationMachine } from '../../dialogue/step-machine.ts';
import { calleeVars } from '../../dialogue/template.ts';
import { estimateTimeline, type Segment, type Timing } from '../../dialogue/timeline.ts';
import type { Tts } from '../../dialogue/tts/tts.ts';
import type { CallEnd } from '../tasks/call-access.ts';
import type { ClaimedCall } from './dial-claims.ts';
import { endOfTalk, endWithoutTalk } from './call-end.ts';
import { LineNotes } from './line-notes.ts';

// The voice driver: one claimed attempt from dial to CallEnd. It places the call through call
// control and, once answered, runs the conversation engine step by step: each `say` is played,
// each `listen` waits for the next thing heard on the leg (speech, keys, silence, hang-up), and
// that input is the engine's next step, until the engine ends. The conversation's state lives in
// this function for the whole call (no write per turn: the dial path cannot afford one); the
// result is written once, as the attempt's end, by the dialer's batched finalizer.

/** Makes and keeps the audio of a conversation; its timing is what the transcript shows. */
export interface CallRecorder {
  /** Synthesises the conversation's audio (adapters that record no audio: the simulator). */
  record(call: ClaimedCall, segments: Segment[], language: string): Promise<Timing>;
  /** Keeps the audio the call really had, recorded by the adapter. */
  keep?(call: ClaimedCall, wav: Buffer, timing: Timing, legs?: Buffer): Promise<Timing>;
}

export interface VoiceDeps {
  callControl: CallControl;
  nlu: Nlu;
  /** Absent when recordings are off: the timing is then estimated from the words. */
  recorder?: CallRecorder | undefined;
  /** Speaks the robot's lines for adapters that play audio, not text (a SIP trunk). */
  tts?: Tts | undefined;
}

/** Places one attempt and talks it through; throws when our side failed (the dialer then interrupts). */
export async function voiceCall(deps: VoiceDeps, call: ClaimedCall): Promise<CallEnd> {
  const { callControl } = deps;
  const line = new LineNotes();
  const connect = await callControl.originate(originateRequest(call), line.listener);
  if (connect.outcome !== 'answered') {
    // A network failure is a counted attempt with its cause, redialled by the task's rules.
    return endWithoutTalk(call, connect.outcome, connect.ringSeconds, connect.carrierCause);
  }
  const { leg, ringSeconds } = connect;
  const { recorder } = deps;
  // The call's real audio, when the adapter records it and there is somewhere to keep it.
  const recording =
    callControl.capabilities.recording === 'audio' && recorder?.keep ? leg.record() : undefined;
  let result: ConversationResult;
  try {
    result = await converseOnLeg(deps, call, leg, new Date(at(call, ringSeconds)));
  } catch (error) {
    // Our side failed mid-call: the line is not left open.
    await leg.hangup('system');
    throw error;
  }
  // Normally down already (the robot's hangup action, or the callee); a no-op then.
  await leg.hangup('robot');
  return line.onto(
    endOfTalk(call, result, ringSeconds, await timingOf(deps, call, result, recording)),
  );
}

/** What call control is asked to place for a claimed attempt. */
export function originateRequest(call: ClaimedCall): OriginateRequest {
  const persona = (call.callee.extend as { simulation?: { persona?: unknown } } | undefined)
    ?.simulation?.persona;
  return {
    callId: call.callId,
    from: call.from,
    to: call.to,
    attempt: call.attempt,
    ...(typeof persona === 'string' ? { simulatedPersona: persona } : {}),
  };
}

/**
 * The recording of an answered call and the timing its transcript follows: the adapter's audio
 * when it recorded some, else the recorder's rendering of the segments, else the estimate.
 */
export async function timingOf(
  deps: VoiceDeps,
  call: ClaimedCall,
  result: ConversationResult,
  recording: LegRecording | undefined,
): Promise<Timing> {
  const { recorder } = deps;
  const audio = recording ? (await recording.stop()).audio : undefined;
  return audio && recorder?.keep
    ? await recorder.keep(call, audio.wav, audio.timing, audio.legs)
    : recorder
      ? await recorder.record(call, result.segments, call.robot.language)
      : estimateTimeline(result.segments);
}

function at(call: ClaimedCall, seconds: number): number {
  return call.startedAt.getTime() + seconds * 1000;
}

/**
 * What a driver may take over from the loop. `transfer`: a handoff node's transfer; without it the
 * leg is transferred to the node's queue (robot calls). With it the driver handles the transfer
 * itself (the PDS dialer reserves and bridges an agent) and answers the engine's next input (an
 * agent's release, a hang-up), which stands for the listen that follows the transfer.
 */
export interface ConversationHooks {
  transfer?(target: string, machine: ConversationMachine): Promise<TurnInput>;
}

/** The engine's loop on an answered leg; gives the conversation's result. */
export async function converseOnLeg(
  deps: VoiceDeps,
  call: ClaimedCall,
  leg: CallLeg,
  answeredAt: Date,
  hooks: ConversationHooks = {},
): Promise<ConversationResult> {
  const { callControl, nlu } = deps;
  if (!callControl.capabilities.recognisesSpeech) {
    // docs/call-control.md: such an adapter gives frames for an STT; that path is not built yet.
    throw new Error('this call control does not recognise speech and no STT is wired to it');
  }
  const { robot } = call;
  const { playsText } = callControl.capabilities;
  // One machine for the whole call, changed in place: the step function's copy per turn is for
  // stored states (chat), not for a call whose state never leaves this process.
  const machine = ConversationMachine.begin({
    robot,
    vars: calleeVars(call.callee),
    now: answeredAt,
    timeZone: call.zone,
    optOutListed: call.optOutListed,
    channel: 'voice',
  });
  let actions: Action[] = machine.start();
  for (;;) {
    let heard: TurnInput | undefined;
    for (const action of actions) {
      switch (action.type) {
        case 'say':
          await leg.play(
            playsText ? { text: action.text } : await spoken(deps, action.text, robot.language),
          );
          break;
        case 'listen':
          // The transfer hook already gave what comes next.
          if (heard) break;
          heard = await leg.listen({
            language: action.language,
            ...(action.businessLine !== undefined ? { businessLine: action.businessLine } : {}),
            expects: action.expects,
            timeoutSeconds: action.timeoutSeconds,
            ...(action.phrases ? { phrases: action.phrases } : {}),
          });
          break;
        case 'transfer':
          if (hooks.transfer) heard = await hooks.transfer(action.target, machine);
          else await leg.transfer(action.target);
          break;
        case 'hangup':
          await leg.hangup('robot');
          break;
        case 'end':
          return action.result;
      }
    }
    if (!heard) throw new Error(`robot "${robot.name}" neither listened nor ended`);
    actions = await machine.handle(heard, nlu);
  }
}

/** A line as audio, for an adapter that cannot speak text itself. */
async function spoken(deps: VoiceDeps, text: string, language: string): Promise<Utterance> {
  if (!deps.tts) throw new Error('this call control plays audio only and no TTS is wired to it');
  return { text, audio: await deps.tts.synthesize(text, language, 'robot') };
}
