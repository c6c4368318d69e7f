import type { Connect, LegListener } from '../../../channels/telephony/call-control.ts';
import type { ConversationResult } from '../../../dialogue/result.ts';
import { endOfTalk, endWithoutTalk } from '../../dialer/call-end.ts';
import { converseOnLeg, originateRequest, timingOf } from '../../dialer/voice-call.ts';
import { resultWithoutTalk, type CallEnd } from '../../tasks/call-access.ts';
import { interruptedEnd } from '../../tasks/call-finalizer.ts';
import { handOver } from './agent-handover.ts';
import { sleepBusiness } from './business-time.ts';
import { hangupReasonOf } from './hangup-reasons.ts';
import type { CallPds } from './pds-calls.repository.ts';
import type { PdsCallRun, PdsDriverDeps } from './pds-call-run.ts';

// The PDS call driver (docs/pds-dialer.md): one claimed attempt from dial to its end. It places
// the call with the task's ring limit, reports RINGING and ANSWERED, ends a machine's answer at
// once, runs the task's robot for the opening (the robot dialer's conversation loop, with the
// handoff's transfer taken over by agent-handover.ts), and gives the end with its calls.pds.

export interface PdsCallEnd {
  end: CallEnd;
  /** What calls.pds gets at the end (over what the call wrote on the way). */
  pds: CallPds;
}

/** Runs the call; throws when our side failed (the dialer then ends it interrupted). */
export async function runPdsCall(deps: PdsDriverDeps, run: PdsCallRun): Promise<PdsCallEnd> {
  const { call, facts } = run;
  const { clock, progress, log } = deps;
  const note = (state: 'RINGING' | 'ANSWERED') => {
    run.written = progress
      .add({ facts, state, at: clock.now() })
      .catch((error: unknown) => log.error({ err: error, callId: call.callId }, 'PDS progress'));
  };
  const listener: LegListener = (event) => {
    // The agent's leg shares the listener: only our leg to the callee counts here.
    if (event.callId !== call.callId || run.gaveUp) return;
    if (event.type === 'ringing') note('RINGING');
    else if (event.type === 'amd' && event.verdict === 'machine') {
      run.machine = true;
      void run.leg?.hangup('system');
    } else if (event.type === 'hangup') {
      run.calleeHungUp = event.cause === 'callee';
      run.legDown.fire();
    }
  };
  const onStop = () => void run.leg?.hangup('system');
  run.stop.addEventListener('abort', onStop, { once: true });
  try {
    const connect = await originateWithin(deps, run, listener);
    if (connect.outcome !== 'answered') {
      return ended(
        run,
        endWithoutTalk(call, connect.outcome, connect.ringSeconds, connect.carrierCause),
      );
    }
    const { leg, ringSeconds } = connect;
    run.leg = leg;
    run.answeredAt = clock.now();
    note('ANSWERED');
    if (run.machine || !leg.up) {
      await leg.hangup('system');
      return ended(run, machineEnd(run, ringSeconds));
    }
    const recording =
      deps.callControl.capabilities.recording === 'audio' && deps.recorder?.keep
        ? leg.record()
        : undefined;
    let result: ConversationResult;
    try {
      result = await converseOnLeg(deps, call, leg, run.answeredAt, {
        transfer: (_target, machine) => handOver(deps, run, machine),
      });
    } catch (error) {
      await leg.hangup('system');
      throw error;
    }
    await leg.hangup('robot');
    if (run.stop.aborted) return ended(run, interruptedEnd(call.startedAt, clock.now()));
    // The agent's part: the simulator has no audio of it, so the recording holds its length.
    if (run.talkMs > 0) result.segments.push({ silenceSeconds: run.talkMs / 1000 });
    const timing = await timingOf(deps, call, result, recording);
    return ended(run, talkEnd(run, endOfTalk(call, result, ringSeconds, timing), result));
  } finally {
    run.stop.removeEventListener('abort', onStop);
  }
}

/** Originate, given up at the task's ring limit (a later answer is hung up at once). */
async function originateWithin(
  deps: PdsDriverDeps,
  run: PdsCallRun,
  listener: LegListener,
): Promise<Connect> {
  const limitSeconds = run.settings.ringLimitSeconds;
  const placing = deps.callControl.originate(originateRequest(run.call), listener);
  const limit = new AbortController();
  placing.then(
    () => limit.abort(),
    () => limit.abort(),
  );
  const outcome = await Promise.race([
    placing,
    sleepBusiness(limitSeconds * 1000, deps.timeScale, limit.signal).then((elapsed) =>
      elapsed ? ('ring-limit' as const) : undefined,
    ),
  ]);
  if (outcome !== 'ring-limit') return outcome ?? placing;
  run.gaveUp = true;
  placing.then(
    (late) => (late.outcome === 'answered' ? late.leg.hangup('system') : undefined),
    () => undefined,
  );
  return { outcome: 'no_answer', ringSeconds: limitSeconds };
}

/** A machine answered (the detector's verdict): ended at once, no robot, no agent. */
function machineEnd(run: PdsCallRun, ringSeconds: number): CallEnd {
  const label = run.call.robot.outcomes.voicemail;
  const result = resultWithoutTalk('normal', label.intention, label.description);
  result.multi_label = { ...(label.labels ?? {}) };
  return {
    outcome: 'voicemail',
    endedAt: new Date(run.call.startedAt.getTime() + ringSeconds * 1000),
    ringTime: ringSeconds,
    hangupType: 'BySystem',
    result,
  };
}

/** A talked call's end as the PDS sees it: who hung up, and `answered` once a person was live. */
function talkEnd(run: PdsCallRun, end: CallEnd, result: ConversationResult): CallEnd {
  run.machine ||= end.outcome === 'voicemail';
  run.calleeLeftEarly ||= !run.handoffAt && result.endedBy === 'callee';
  if (run.bridgedAt) {
    const hangupType =
      run.endedBy === 'callee' ? 'ByCallee' : run.endedBy === 'agent' ? 'ByAgent' : 'BySystem';
    return { ...end, outcome: 'answered', hangupType };
  }
  if (run.abandoned && run.settings.abandonAction !== 'robot') {
    return { ...end, outcome: 'answered', hangupType: 'BySystem' };
  }
  return end;
}

/** The end, timed by the business clock, with its calls.pds. */
function ended(run: PdsCallRun, end: CallEnd): PdsCallEnd {
  const wrongParty = 'Wrong_Person' in end.result.multi_label;
  const hangupReason = hangupReasonOf({
    outcome: end.outcome,
    machine: run.machine,
    wrongParty,
    bridged: run.bridgedAt !== undefined,
    abandoned: run.abandoned,
    calleeLeftEarly: run.calleeLeftEarly,
  });
  const iso = (date: Date | undefined) => date?.toISOString() ?? null;
  const talking = run.agent?.phase === 'talking';
  return {
    // Every PDS time is the business clock's, so talk times read from calls add up.
    end: {
      ...end,
      endedAt: new Date(Math.max(run.clock.now().getTime(), run.call.startedAt.getTime())),
    },
    pds: {
      hangupReason,
      abandoned: run.abandoned,
      answeredAt: iso(run.answeredAt),
      handoffAt: iso(run.handoffAt),
      bridgedAt: iso(run.bridgedAt),
      // An agent reserved but never connected did not take the call.
      agentName: talking ? run.agent!.name : null,
      agentId: talking ? run.agent!.id : null,
    },
  };
}
