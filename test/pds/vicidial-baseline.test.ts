import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VicidialHardLimitPacer } from '../../src/modules/pds/pacing/vicidial-hard-limit.ts';
import { agents, clockAt, learnt, options, state } from './pacing-fixtures.ts';

// The VICIdial ADAPT_HARD_LIMIT baseline: a dial level recomputed every 15 s from the drop
// percentage and the agents and calls that waited, within [1.0, maximum adapt dial level].

describe('VICIdial ADAPT_HARD_LIMIT baseline', () => {
  const underLimit = learnt({ answerRate: 0.2, connected: 500, drops: 5 }); // 1 %

  /** Asks the pacer every second for `seconds` seconds in the same situation. */
  function run(
    pacer: VicidialHardLimitPacer,
    clock: ReturnType<typeof clockAt>,
    seconds: number,
    situation = state(agents({ ready: 5, talking: 15 }), 5),
  ) {
    let lines = 0;
    for (let s = 0; s < seconds; s += 1) {
      lines = pacer.linesToDial(situation, underLimit);
      clock.advance(1_000);
    }
    return lines;
  }

  it('starts at dial level 1.0: one line per ready agent, like progressive', () => {
    const pacer = new VicidialHardLimitPacer(clockAt(), options);
    assert.equal(pacer.dialLevel, 1);
    // (5 ready + 15 talking) x 1.0 = 20 calls; 15 talking and 2 ringing: 3 more.
    assert.equal(pacer.linesToDial(state(agents({ ready: 5, talking: 15 }), 2), underLimit), 3);
  });

  it('raises the level only every 15 s, by the share of agents that waited', () => {
    const clock = clockAt();
    const pacer = new VicidialHardLimitPacer(clock, options, { stepGain: 1 });
    run(pacer, clock, 15);
    assert.equal(pacer.dialLevel, 1, 'no adaptation before 15 s');
    run(pacer, clock, 1);
    // 5 of 20 active agents waited all along: +0.25.
    assert.ok(Math.abs(pacer.dialLevel - 1.25) < 1e-9, `level ${pacer.dialLevel}`);
    const lines = run(pacer, clock, 1);
    // 20 x 1.25 = 25 calls; 15 talking, 5 ringing: 5 more.
    assert.equal(lines, 5);
  });

  it('lowers the level when calls wait for agents', () => {
    const clock = clockAt();
    const pacer = new VicidialHardLimitPacer(clock, options, { stepGain: 1, initialDialLevel: 2 });
    run(pacer, clock, 16, state(agents({ talking: 20 }), 10, 2));
    assert.ok(pacer.dialLevel < 2, `level ${pacer.dialLevel}`);
  });

  it('never goes above the maximum adapt dial level', () => {
    const clock = clockAt();
    const pacer = new VicidialHardLimitPacer(clock, options, { stepGain: 1 });
    run(pacer, clock, 15 * 40, state(agents({ ready: 20 }), 0));
    assert.equal(pacer.dialLevel, 3);
  });

  it('drops back to 1.0 at the drop limit and holds there until the rate is under again', () => {
    const clock = clockAt();
    const pacer = new VicidialHardLimitPacer(clock, options, {
      stepGain: 1,
      initialDialLevel: 2.5,
    });
    const atLimit = learnt({ answerRate: 0.2, connected: 97, drops: 3 });
    const idle = state(agents({ ready: 10, talking: 10 }), 0);
    for (let s = 0; s <= 45; s += 1) {
      pacer.linesToDial(idle, atLimit);
      clock.advance(1_000);
    }
    assert.equal(pacer.dialLevel, 1);
    // Under the limit again: agents waited, so the level rises at the next adaptation.
    for (let s = 0; s <= 15; s += 1) {
      pacer.linesToDial(idle, underLimit);
      clock.advance(1_000);
    }
    assert.ok(pacer.dialLevel > 1);
  });

  it('dials at level 1.0 below the auto dial level threshold', () => {
    const clock = clockAt();
    const pacer = new VicidialHardLimitPacer(clock, options, { initialDialLevel: 3 });
    assert.equal(pacer.linesToDial(state(agents({ ready: 2, talking: 1 }), 0), underLimit), 2);
    assert.equal(pacer.linesToDial(state(agents({ ready: 2, talking: 2 }), 0), underLimit), 10);
  });
});
