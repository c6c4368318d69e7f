import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hangupReasonOf, type CallFacts } from '../../../src/modules/pds/dialer/hangup-reasons.ts';
import { inRestTime } from '../../../src/modules/pds/dialer/rest-times.ts';
import { agentViews, TaskPacing } from '../../../src/modules/pds/dialer/task-pacing.ts';
import type { Agent } from '../../../src/modules/agents/agents.service.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { simulatedAcwSeconds } from '../../../src/modules/pds/dialer/simulated-agent.ts';
import { lognormalSeconds } from '../../../src/modules/pds/dialer/talk-time.ts';
import { pdsSettings, type PdsWorld } from './fixtures.ts';

// The PDS dialer's pure rules (docs/pds-dialer.md): hangupReason, rest times, the pacer's inputs.

const facts = (over: Partial<CallFacts>): CallFacts => ({
  outcome: 'answered',
  machine: false,
  wrongParty: false,
  bridged: false,
  abandoned: false,
  calleeLeftEarly: false,
  ...over,
});

describe('hangupReason', () => {
  it('names what ended the call', () => {
    assert.equal(hangupReasonOf(facts({ bridged: true })), 12);
    assert.equal(hangupReasonOf(facts({ abandoned: true })), 1);
    assert.equal(hangupReasonOf(facts({ outcome: 'busy' })), 3);
    assert.equal(hangupReasonOf(facts({ outcome: 'invalid' })), 8);
    assert.equal(hangupReasonOf(facts({ outcome: 'no_answer' })), 2);
    assert.equal(hangupReasonOf(facts({ outcome: 'interrupted' })), 0);
    assert.equal(hangupReasonOf(facts({ machine: true })), 16);
    assert.equal(hangupReasonOf(facts({ outcome: 'voicemail' })), 16);
    assert.equal(hangupReasonOf(facts({ wrongParty: true })), 9);
    assert.equal(hangupReasonOf(facts({ outcome: 'hangup', calleeLeftEarly: true })), 19);
    assert.equal(hangupReasonOf(facts({})), 2, 'the robot ended it: normal');
  });
});

describe('rest times', () => {
  const at = (hms: string) => new Date(`2026-12-07T${hms}Z`);
  it('holds inside a window of the day, in the app zone', () => {
    const lunch = [{ start: '12:00:00', end: '13:00:00' }];
    assert.equal(inRestTime(lunch, at('12:30:00'), 'UTC'), true);
    assert.equal(inRestTime(lunch, at('13:00:00'), 'UTC'), false, 'the end is open');
    assert.equal(inRestTime(lunch, at('11:59:59'), 'UTC'), false);
    // 05:30 UTC is 12:30 in Jakarta.
    assert.equal(inRestTime(lunch, at('05:30:00'), 'Asia/Jakarta'), true);
    assert.equal(inRestTime([], at('12:30:00'), 'UTC'), false);
  });
  it('runs past midnight when the end is before the start', () => {
    const night = [{ start: '22:00:00', end: '06:00:00' }];
    assert.equal(inRestTime(night, at('23:00:00'), 'UTC'), true);
    assert.equal(inRestTime(night, at('05:00:00'), 'UTC'), true);
    assert.equal(inRestTime(night, at('07:00:00'), 'UTC'), false);
  });
});

describe('pacing a task', () => {
  const world = { groupId: 1, receiver: { url: 'http://127.0.0.1:9/hook' } } as unknown as PdsWorld;
  const now = new Date('2026-12-07T09:00:00Z');
  const agent = (name: string, state: Agent['state']): Agent =>
    ({
      name,
      state,
      state_since: now,
      acw_until: state === 'acw' ? new Date(now.getTime() + 5_000) : null,
    }) as Agent;
  const group = [
    agent('a', 'ready'),
    agent('b', 'talking'),
    agent('c', 'acw'),
    agent('d', 'break'),
    agent('e', 'offline'),
    agent('f', 'reserved'),
  ];

  it("sees the group's logged-in agents, restricted to the task's agent names", () => {
    const views = agentViews(group, [], 30);
    assert.deepEqual(
      views.map((v) => v.state),
      ['ready', 'talking', 'wrap-up', 'break', 'talking'],
    );
    assert.deepEqual(
      agentViews(group, ['a', 'c'], 30).map((v) => v.state),
      ['ready', 'wrap-up'],
    );
  });

  it('progressive: one line per ready agent not covered yet', () => {
    const pacing = new TaskPacing(pdsSettings(world), 30, new ManualClock(now));
    const views = agentViews(group, [], 30);
    assert.equal(pacing.linesToDial(views, [], 0), 1);
    assert.equal(pacing.linesToDial(views, [{ dialledAt: now.getTime() }], 0), 0);
  });

  it('a fixed ratio without autoSlotFactor: slotFactor lines per working agent', () => {
    const settings = pdsSettings(world, {
      dialingMode: 'predictive',
      autoSlotFactor: false,
      slotFactor: 2,
    });
    const pacing = new TaskPacing(settings, 30, new ManualClock(now));
    const views = agentViews(group, [], 30); // 4 working (break does not count)
    assert.equal(pacing.linesToDial(views, [], 0), 8);
    assert.equal(pacing.linesToDial(views, [{ dialledAt: 0 }], 2), 5);
  });

  it('learns from the finished calls it replays', () => {
    const pacing = new TaskPacing(pdsSettings(world), 30, new ManualClock(now));
    const t = now.getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    pacing.replay([
      { started_at: new Date(t), ended_at: new Date(t + 30_000), pds: null },
      {
        started_at: new Date(t),
        ended_at: new Date(t + 100_000),
        pds: { handoffAt: iso(t + 15_000), bridgedAt: iso(t + 16_000) },
      },
      {
        started_at: new Date(t),
        ended_at: new Date(t + 20_000),
        pds: { handoffAt: iso(t + 15_000), abandoned: true },
      },
    ]);
    const estimates = pacing.estimator.estimates();
    assert.equal(estimates.connected, 1);
    assert.equal(estimates.drops, 1);
    assert.equal(estimates.abandonRate, 0.5);
  });

  it('draws simulated talk times around the median', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const draws = Array.from({ length: 2001 }, () => lognormalSeconds(20, 0.3, random)).sort(
      (a, b) => a - b,
    );
    const median = draws[1000]!;
    assert.ok(median > 18 && median < 22, `median ${median}`);
  });

  it("wraps a simulated agent up around its own median, never past the task's acw time", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const agent = { simulated: true, acwMedianSeconds: 10, talkSigma: 0.5 };
    const draws = Array.from({ length: 2001 }, () => simulatedAcwSeconds(30, agent, random)).sort(
      (a, b) => a - b,
    );
    assert.ok(draws[1000]! >= 9 && draws[1000]! <= 11, `median ${draws[1000]}`);
    assert.equal(draws.at(-1), 30, 'the long draws stop at the acw time');
    assert.ok(new Set(draws).size > 10, 'drawn, not fixed');
    // Without a median, and for a person, the whole acw time.
    assert.equal(simulatedAcwSeconds(30, { ...agent, acwMedianSeconds: null }, random), 30);
    assert.equal(simulatedAcwSeconds(30, { ...agent, simulated: false }, random), 30);
  });
});
