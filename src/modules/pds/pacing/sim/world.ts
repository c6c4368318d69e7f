// The simulated world's parameters and its contacts (docs/pds.md, "The simulated world"). Every
// contact's fate is drawn up front from the seed: whether a person, a machine or nobody answers,
// after how long, and how long the talk and the wrap-up would last. Each pacing mode then meets
// exactly the same people in the same order, so differences between modes are the pacers', not
// the dice's.

import { Prng } from './prng.ts';

export interface WorldOptions {
  seed: number;
  agents: number;
  contacts: number;
  /** Share of contacts a live person answers (before the ring limit). */
  liveAnswerRate: number;
  /** Share answered by a machine, detected and hung up after `machineDetectMs`. */
  machineRate: number;
  /** Share that fail fast (busy, unreachable) after 1-6 s. */
  fastFailRate: number;
  /** The rest ring until the ring limit. */
  ringLimitMs: number;
  /** Time to answer (live and machine): lognormal by median and log-space sigma. */
  answerMedianMs: number;
  answerSigma: number;
  machineDetectMs: number;
  /**
   * The robot's first seconds on every live answer (right-party check) before it hands the
   * person to an agent; the connect limit starts at the hand-over. The dialer reports the line
   * as answered live only then, so the pacer's time to answer includes the robot's time.
   */
  robotScreenMs: number;
  talkMedianMs: number;
  talkSigma: number;
  /** After-call work; with jitter, agents finish up to `acwJitter` x acwTime early. */
  acwTimeMs: number;
  acwJitter: number;
  /** An answered call waits this long for an agent, then is dropped. */
  connectLimitMs: number;
}

export const DEFAULT_WORLD: WorldOptions = {
  seed: 1,
  agents: 20,
  contacts: 5_000,
  liveAnswerRate: 0.2,
  machineRate: 0,
  fastFailRate: 0,
  ringLimitMs: 25_000,
  answerMedianMs: 8_000,
  answerSigma: 0.5,
  machineDetectMs: 3_000,
  robotScreenMs: 0,
  // Median 2.5 min, sigma 0.6: mean about 3 min, a long right tail.
  talkMedianMs: 150_000,
  talkSigma: 0.6,
  acwTimeMs: 15_000,
  acwJitter: 0,
  connectLimitMs: 2_000,
};

export type ContactFate =
  | { kind: 'live'; answerMs: number; talkMs: number; wrapMs: number }
  | { kind: 'machine'; endMs: number }
  | { kind: 'no-answer'; endMs: number };

export function drawContacts(world: WorldOptions): ContactFate[] {
  const random = new Prng(world.seed);
  const answerTime = () =>
    Math.min(
      world.ringLimitMs - 500,
      Math.max(1_500, random.lognormal(world.answerMedianMs, world.answerSigma)),
    );
  const contacts: ContactFate[] = [];
  for (let i = 0; i < world.contacts; i += 1) {
    // Draw every number for every contact, whatever its kind, so contact i is the same person
    // whatever the rates of the other kinds are.
    const roll = random.next();
    const answerMs = answerTime();
    const talkMs = Math.max(10_000, random.lognormal(world.talkMedianMs, world.talkSigma));
    const wrapMs = world.acwTimeMs * (1 - world.acwJitter * random.next());
    const failMs = random.uniform(1_000, 6_000);
    if (roll < world.liveAnswerRate) {
      contacts.push({ kind: 'live', answerMs: answerMs + world.robotScreenMs, talkMs, wrapMs });
    } else if (roll < world.liveAnswerRate + world.machineRate) {
      contacts.push({ kind: 'machine', endMs: answerMs + world.machineDetectMs });
    } else if (roll < world.liveAnswerRate + world.machineRate + world.fastFailRate) {
      contacts.push({ kind: 'no-answer', endMs: failMs });
    } else contacts.push({ kind: 'no-answer', endMs: world.ringLimitMs });
  }
  return contacts;
}
