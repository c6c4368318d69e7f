// A discrete-event run of one pacing mode through a simulated world (docs/pds.md): no timers, the
// clock jumps from one event to the next. The pacer is asked how many lines to dial after every
// instant at which something happened, and on a one-second tick (a real dialer's loop), and is
// told every outcome through the same estimator the real dialer will feed.

import type { Clock } from '../../../../shared/clock.ts';
import { createPacer } from '../create-pacer.ts';
import { pacingOptions, type PacingOptions } from '../options.ts';
import { PacingEstimator } from '../pacing-estimator.ts';
import type { AgentView, Pacer, PacingMode } from '../types.ts';
import { EventQueue } from './event-queue.ts';
import { drawContacts, type ContactFate, type WorldOptions } from './world.ts';

const TICK_MS = 1_000;
const SAMPLE_MS = 60_000;
/** Occupancy on the timeline is over this trailing window. */
const OCCUPANCY_WINDOW_MS = 5 * 60_000;

export interface TimelinePoint {
  atMs: number;
  /** drops / (drops + connected) since the start. */
  abandonRate: number;
  /** Live answers that reached an agent, and drops, since the start (for windowed rates). */
  connected: number;
  drops: number;
  /** Agent time on calls (talk + wrap-up) over the trailing window. */
  occupancy: number;
}

export interface SimulationResult {
  mode: PacingMode;
  dials: number;
  connected: number;
  drops: number;
  abandonRate: number;
  /** (talk + wrap-up) / logged-in agent time. */
  occupancy: number;
  talkMinutesPerAgentHour: number;
  /** From the first dial to the end of the last call. */
  runMs: number;
  timeline: TimelinePoint[];
}

type SimEvent =
  | { type: 'tick' }
  | { type: 'sample' }
  | { type: 'line-end'; line: Line }
  | { type: 'connect-limit'; call: WaitingCall }
  | { type: 'talk-end'; agent: Agent }
  | { type: 'wrap-end'; agent: Agent };

interface Line {
  dialledAt: number;
  fate: ContactFate;
}

interface WaitingCall {
  answeredAt: number;
  talkMs: number;
  wrapMs: number;
  settled: boolean;
}

interface Agent {
  view: AgentView;
  /** Start of the current talk + wrap-up, or null when ready. */
  busySince: number | null;
  /** Wrap-up of the current call (drawn with the contact). */
  wrapMs: number;
}

class SimClock implements Clock {
  ms = 0;
  now(): Date {
    return new Date(this.ms);
  }
}

export interface SimulationInput {
  world: WorldOptions;
  mode: PacingMode;
  pacing?: Partial<PacingOptions>;
  /** The world's contacts, if already drawn (several modes share one draw). */
  contacts?: ContactFate[];
  /** A pacer to use instead of the mode's default one (tests). */
  pacer?: (clock: Clock, options: PacingOptions) => Pacer;
}

export function simulate(input: SimulationInput): SimulationResult {
  const { world, mode } = input;
  const contacts = input.contacts ?? drawContacts(world);
  const options = pacingOptions({
    ringLimitMs: world.ringLimitMs,
    acwTimeMs: world.acwTimeMs,
    connectLimitMs: world.connectLimitMs,
    ...input.pacing,
  });
  const clock = new SimClock();
  const pacer = input.pacer ? input.pacer(clock, options) : createPacer(mode, clock, options);
  const estimator = new PacingEstimator(options);
  const queue = new EventQueue<SimEvent>();

  const agents: Agent[] = Array.from({ length: world.agents }, () => ({
    view: { state: 'ready', since: 0 },
    busySince: null,
    wrapMs: 0,
  }));
  const lines = new Set<Line>();
  const waiting: WaitingCall[] = [];
  let nextContact = 0;
  let dials = 0;
  let talkTotalMs = 0;
  let busyClosedMs = 0;
  let lastActivityAt = 0;
  const timeline: TimelinePoint[] = [];
  const busyAt: number[] = [];

  const busyUntil = (now: number) =>
    busyClosedMs +
    agents.reduce((sum, agent) => sum + (agent.busySince === null ? 0 : now - agent.busySince), 0);

  const connect = (agent: Agent, call: WaitingCall, now: number) => {
    call.settled = true;
    agent.view = { state: 'talking', since: now };
    agent.busySince = now;
    talkTotalMs += call.talkMs;
    estimator.observe({ kind: 'connected', at: now });
    agent.wrapMs = call.wrapMs;
    queue.schedule(now + call.talkMs, { type: 'talk-end', agent });
  };

  const longestReady = (): Agent | undefined => {
    let best: Agent | undefined;
    for (const agent of agents) {
      if (agent.view.state !== 'ready') continue;
      if (!best || agent.view.since < best.view.since) best = agent;
    }
    return best;
  };

  const handle = (event: SimEvent, now: number) => {
    switch (event.type) {
      case 'tick':
      case 'sample':
        return;
      case 'line-end': {
        const { line } = event;
        lines.delete(line);
        const live = line.fate.kind === 'live';
        estimator.observe({ kind: 'line-ended', at: now, dialledAt: line.dialledAt, live });
        if (line.fate.kind !== 'live') return;
        const call: WaitingCall = {
          answeredAt: now,
          talkMs: line.fate.talkMs,
          wrapMs: line.fate.wrapMs,
          settled: false,
        };
        const agent = longestReady();
        if (agent) connect(agent, call, now);
        else {
          waiting.push(call);
          queue.schedule(now + world.connectLimitMs, { type: 'connect-limit', call });
        }
        return;
      }
      case 'connect-limit': {
        if (event.call.settled) return;
        event.call.settled = true;
        waiting.splice(waiting.indexOf(event.call), 1);
        estimator.observe({ kind: 'dropped', at: now });
        return;
      }
      case 'talk-end': {
        const { agent } = event;
        const talkMs = now - agent.view.since;
        estimator.observe({ kind: 'talk-ended', at: now, talkMs });
        agent.view = { state: 'wrap-up', since: now, until: now + world.acwTimeMs };
        queue.schedule(now + agent.wrapMs, { type: 'wrap-end', agent });
        return;
      }
      case 'wrap-end': {
        const { agent } = event;
        estimator.observe({ kind: 'wrap-ended', at: now, wrapMs: now - agent.view.since });
        busyClosedMs += now - agent.busySince!;
        agent.busySince = null;
        agent.view = { state: 'ready', since: now };
        const call = waiting.shift();
        if (call) connect(agent, call, now);
        return;
      }
    }
  };

  const dial = (now: number) => {
    if (nextContact >= contacts.length) return;
    const wanted = pacer.linesToDial(
      {
        agents: agents.map((agent) => agent.view),
        lines: [...lines],
        waitingCalls: waiting.length,
      },
      estimator.estimates(),
    );
    const count = Math.min(wanted, contacts.length - nextContact);
    for (let i = 0; i < count; i += 1) {
      const fate = contacts[nextContact++]!;
      const line: Line = { dialledAt: now, fate };
      lines.add(line);
      dials += 1;
      const endsAfter = fate.kind === 'live' ? fate.answerMs : fate.endMs;
      queue.schedule(now + endsAfter, { type: 'line-end', line });
    }
  };

  const workLeft = () =>
    nextContact < contacts.length ||
    lines.size > 0 ||
    waiting.length > 0 ||
    agents.some((agent) => agent.busySince !== null);

  queue.schedule(0, { type: 'tick' });
  queue.schedule(0, { type: 'sample' });
  while (queue.size > 0) {
    const now = queue.peekTime()!;
    clock.ms = now;
    let ticked = false;
    let sampled = false;
    while (queue.peekTime() === now) {
      const { event } = queue.pop()!;
      if (event.type === 'tick') ticked = true;
      else if (event.type === 'sample') sampled = true;
      else lastActivityAt = now;
      handle(event, now);
    }
    dial(now);
    if (ticked && nextContact < contacts.length) queue.schedule(now + TICK_MS, { type: 'tick' });
    if (sampled) {
      const busy = busyUntil(now);
      busyAt.push(busy);
      const back = Math.min(busyAt.length - 1, OCCUPANCY_WINDOW_MS / SAMPLE_MS);
      const span = back * SAMPLE_MS;
      const { abandonRate, connected, drops } = estimator.estimates();
      timeline.push({
        atMs: now,
        abandonRate,
        connected,
        drops,
        occupancy:
          span > 0 ? (busy - busyAt[busyAt.length - 1 - back]!) / (world.agents * span) : 0,
      });
      if (workLeft()) queue.schedule(now + SAMPLE_MS, { type: 'sample' });
    }
  }

  const estimates = estimator.estimates();
  const runMs = lastActivityAt;
  const agentHours = (world.agents * runMs) / 3_600_000;
  return {
    mode,
    dials,
    connected: estimates.connected,
    drops: estimates.drops,
    abandonRate: estimates.abandonRate,
    occupancy: busyClosedMs / (world.agents * runMs),
    talkMinutesPerAgentHour: talkTotalMs / 60_000 / agentHours,
    runMs,
    timeline,
  };
}
