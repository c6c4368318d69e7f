import type { TurnInput } from '../../../dialogue/ports/turn.ts';
import type { ConversationMachine } from '../../../dialogue/step-machine.ts';
import { sleepBusiness } from './business-time.ts';
import { mergeCallPds } from './pds-calls.repository.ts';
import type { HeldAgent, PdsCallRun, PdsDriverDeps } from './pds-call-run.ts';
import { lognormalSeconds } from './talk-time.ts';

// The robot's handoff on a PDS call (docs/pds-dialer.md, "The opening and the agent"): the person
// passed the robot's checks, so the dialer reserves the group's longest-idle ready agent, waits
// for one up to the connect limit, bridges the call and lets the agent talk. With no agent in
// time the call is abandoned as the task says. Answers the conversation engine's next input.

const HANGUP: TurnInput = { kind: 'hangup' };
/** How often a call waiting for an agent asks again, in business milliseconds. */
const RESERVE_POLL_MS = 250;

export async function handOver(
  deps: PdsDriverDeps,
  run: PdsCallRun,
  machine: ConversationMachine,
): Promise<TurnInput> {
  const { clock } = deps;
  const leg = run.leg!;
  run.handoffAt = clock.now();
  // The pacer counts the robot's opening as part of the time to a live answer.
  run.pacing.observe({
    kind: 'line-ended',
    at: run.handoffAt.getTime(),
    dialledAt: run.call.startedAt.getTime(),
    live: true,
  });
  // The ANSWERED webhook is recorded before the agent's events.
  await run.written;
  run.pacing.waiting(1);
  let agent: HeldAgent | undefined;
  try {
    agent = await waitForAgent(deps, run, machine);
  } finally {
    run.pacing.waiting(-1);
  }
  if (!leg.up || run.stop.aborted) {
    run.calleeLeftEarly = !run.stop.aborted;
    return HANGUP;
  }
  if (!agent) return abandon(deps, run, machine);
  try {
    await leg.transfer(`agent:${agent.name}`);
  } catch (error) {
    // The person left between the reservation and the bridge: the finalizer releases the agent.
    if (!leg.up) {
      run.calleeLeftEarly = true;
      return HANGUP;
    }
    throw error;
  }
  const bridgedAt = clock.now();
  await deps.db.transaction(async (tx) => {
    await deps.agentStates.connect(run.call.appId, agent.id, run.call.callId, tx);
    await mergeCallPds(tx, [
      { callId: run.call.callId, pds: { bridgedAt: bridgedAt.toISOString() } },
    ]);
  });
  agent.phase = 'talking';
  run.bridgedAt = bridgedAt;
  run.pacing.observe({ kind: 'connected', at: bridgedAt.getTime() });
  // The transcript knows an agent took over; no NLU is needed for an agent's input.
  await machine.handle({ kind: 'agent', event: 'takeover', agent: agent.name });
  await talk(deps, run, agent);
  return HANGUP;
}

/** Reserves an agent, asking again until the connect limit; undefined when none came. */
async function waitForAgent(
  deps: PdsDriverDeps,
  run: PdsCallRun,
  machine: ConversationMachine,
): Promise<HeldAgent | undefined> {
  const { call, settings } = run;
  const limitMs = settings.connectLimitSeconds * 1000;
  const contact = contactCard(run, machine);
  // Waited time is counted in business milliseconds of the waits themselves, not from the clock,
  // so a clock that runs at another pace than the waits cannot stretch the connect limit.
  for (let waited = 0; ;) {
    const reserved = await deps.db.transaction(async (tx) => {
      const agent = await deps.agentStates.reserve(
        call.appId,
        settings.groupId,
        { callRef: call.callId, contact, onlyAgents: settings.agentNames },
        tx,
      );
      if (agent) {
        await mergeCallPds(tx, [
          { callId: call.callId, pds: { agentId: Number(agent.id), agentName: agent.name } },
        ]);
      }
      return agent;
    });
    if (reserved) {
      run.agent = {
        id: Number(reserved.id),
        name: reserved.name,
        simulated: reserved.simulated,
        talkMedianSeconds: reserved.talk_median_seconds,
        talkSigma: reserved.talk_sigma,
        acwMedianSeconds: reserved.acw_median_seconds,
        phase: 'reserved',
      };
      return run.agent;
    }
    const step = Math.min(RESERVE_POLL_MS, limitMs - waited);
    if (step <= 0 || !run.leg?.up) return undefined;
    const waitedFully = await Promise.race([
      sleepBusiness(step, deps.timeScale, run.stop),
      run.legDown.promise.then(() => false),
    ]);
    if (!waitedFully) return undefined;
    waited += step;
  }
}

/**
 * What the agent's screen shows (GET /v1/agents/:id/call): the contact's data and what the robot
 * found out in the opening.
 */
function contactCard(run: PdsCallRun, machine: ConversationMachine): Record<string, unknown> {
  const result = machine.state.result;
  return {
    ...run.call.callee,
    phoneNumber: run.call.to,
    mainNumber: run.facts.mainNumber,
    phoneTag: run.facts.phoneTag,
    customerInfo: run.facts.customerInfo,
    taskName: run.task.task_name,
    robotFindings: {
      labels: result.labels,
      slots: result.slots,
      answers: result.answers,
      transcript: result.turns.map((t) => ({ robot: t.robotText, heard: t.heardText })),
    },
  };
}

/** No agent within the connect limit: the task's abandonAction, counted as a drop. */
async function abandon(
  deps: PdsDriverDeps,
  run: PdsCallRun,
  machine: ConversationMachine,
): Promise<TurnInput> {
  run.abandoned = true;
  run.pacing.observe({ kind: 'dropped', at: deps.clock.now().getTime() });
  const leg = run.leg!;
  switch (run.settings.abandonAction) {
    case 'robot':
      // The robot carries on at the handoff node's next (its "all agents are busy" branch).
      return { kind: 'agent', event: 'release' };
    case 'message': {
      const text = identificationLine(run);
      machine.state.result.segments.push({ speaker: 'robot', text });
      await leg.play(
        deps.callControl.capabilities.playsText || !deps.tts
          ? { text }
          : { text, audio: await deps.tts.synthesize(text, run.call.robot.language, 'robot') },
      );
      await leg.hangup('system');
      return HANGUP;
    }
    case 'hangup':
      await leg.hangup('system');
      return HANGUP;
  }
}

/** Who called and how to call back: what an abandoned call must hear (the US rule's message). */
function identificationLine(run: PdsCallRun): string {
  return (
    `Sorry, all our agents are busy. This call was from ${run.task.task_name}, ` +
    `at ${run.call.from}. We will call you back. Goodbye.`
  );
}

/**
 * The agent's part. A simulated agent talks for a lognormal time (its median and sigma) on the
 * business clock, then hangs up; a real agent until the desktop's hangup. The person may hang up
 * first, and a stopping dialer cuts the call.
 */
async function talk(deps: PdsDriverDeps, run: PdsCallRun, agent: HeldAgent): Promise<void> {
  const leg = run.leg!;
  const waits: Array<Promise<unknown>> = [run.legDown.promise, run.agentHungUp.promise];
  if (agent.simulated) {
    const ms = lognormalSeconds(agent.talkMedianSeconds, agent.talkSigma) * 1000;
    waits.push(sleepBusiness(ms, deps.timeScale, run.stop));
  } else {
    waits.push(
      new Promise<void>((resolve) => {
        if (run.stop.aborted) resolve();
        run.stop.addEventListener('abort', () => resolve(), { once: true });
      }),
    );
  }
  await Promise.race(waits);
  if (leg.up) {
    run.endedBy = run.stop.aborted ? 'system' : 'agent';
    await leg.hangup('system');
  } else {
    run.endedBy = 'callee';
  }
  run.talkMs = Math.max(0, deps.clock.now().getTime() - run.bridgedAt!.getTime());
}
