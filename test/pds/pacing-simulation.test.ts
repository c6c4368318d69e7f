import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  maxTrailingAbandonRate,
  trailingAbandonRates,
} from '../../src/modules/pds/pacing/sim/abandon-window.ts';
import { simulate, type SimulationResult } from '../../src/modules/pds/pacing/sim/simulation.ts';
import { DEFAULT_WORLD, drawContacts } from '../../src/modules/pds/pacing/sim/world.ts';
import type { PacingMode } from '../../src/modules/pds/pacing/types.ts';

// A short deterministic run of the simulated world (docs/pds.md): 20 agents, 2,000 contacts at a
// 20 % live-answer rate, through the three modes on the same draw of contacts.

const world = { ...DEFAULT_WORLD, seed: 7, contacts: 2_000 };
const contacts = drawContacts(world);
const run = (mode: PacingMode): SimulationResult => simulate({ world, mode, contacts });
const results = {
  progressive: run('progressive'),
  predictive: run('predictive'),
  vicidial: run('vicidial-hard-limit'),
};

describe('the simulated world', () => {
  it('draws the same contacts for a seed, about 20 % of them live', () => {
    assert.deepEqual(drawContacts(world), contacts);
    assert.notDeepEqual(drawContacts({ ...world, seed: 8 }), contacts);
    const live = contacts.filter((contact) => contact.kind === 'live').length / contacts.length;
    assert.ok(live > 0.17 && live < 0.23, `live share ${live}`);
  });

  it("delays each live hand-over by the robot's screening, and nothing else", () => {
    const screened = drawContacts({ ...world, robotScreenMs: 4_000 });
    screened.forEach((contact, i) => {
      const plain = contacts[i]!;
      if (contact.kind === 'live' && plain.kind === 'live') {
        assert.equal(contact.answerMs, plain.answerMs + 4_000);
        assert.equal(contact.talkMs, plain.talkMs);
      } else assert.deepEqual(contact, plain);
    });
  });

  it('runs a mode to the same result every time', () => {
    assert.deepEqual(run('predictive'), results.predictive);
  });

  it('dials every contact and accounts for every live answer in each mode', () => {
    const live = contacts.filter((contact) => contact.kind === 'live').length;
    for (const result of Object.values(results)) {
      assert.equal(result.dials, contacts.length);
      assert.equal(result.connected + result.drops, live, result.mode);
      assert.ok(result.occupancy > 0 && result.occupancy < 1);
      assert.ok(result.timeline.length > 10);
    }
  });
});

describe('the abandon rate over a trailing window', () => {
  const minute = 60_000;
  // 100 answers with no drop in the first hour, then 97 and 3 drops in the second.
  const timeline = [0, 30, 60, 90, 120].map((m) => ({
    atMs: m * minute,
    abandonRate: 0,
    connected: m <= 60 ? (m / 60) * 100 : 100 + ((m - 60) / 60) * 97,
    drops: m === 120 ? 3 : 0,
  }));

  it('counts only the answers of the window, from the first point with a whole window behind it', () => {
    const rates = trailingAbandonRates(timeline, 60 * minute);
    assert.deepEqual(
      rates.map((p) => p.atMs / minute),
      [60, 90, 120],
    );
    assert.equal(rates[0]!.abandonRate, 0);
    assert.equal(rates[2]!.abandonRate, 3 / 100);
    assert.equal(maxTrailingAbandonRate(timeline, 60 * minute), 0.03);
    assert.equal(maxTrailingAbandonRate(timeline, 180 * minute), 0, 'no whole window');
  });

  it("shows the predictive pacer's worst hour near its run's rate, not in a burst", () => {
    const worst = maxTrailingAbandonRate(results.predictive.timeline, 60 * minute);
    assert.ok(worst >= results.predictive.abandonRate && worst < 0.06, `worst hour ${worst}`);
  });
});

describe('the three modes on one world', () => {
  it('progressive never drops a call', () => {
    assert.equal(results.progressive.drops, 0);
  });

  it('predictive talks at least 25 % more per agent-hour than progressive', () => {
    const ratio =
      results.predictive.talkMinutesPerAgentHour / results.progressive.talkMinutesPerAgentHour;
    assert.ok(ratio >= 1.25, `ratio ${ratio.toFixed(2)}`);
  });

  it('predictive keeps its abandon rate under maxLostRate + 0.5 pp and spends most of it', () => {
    assert.ok(results.predictive.abandonRate <= 0.035, `${results.predictive.abandonRate}`);
    // About 400 live answers here, so one drop is 0.25 points: the bench checks the 2.5 % floor
    // on 1,000 answers a seed; this only catches a pacer that went back to leaving its drop
    // budget unspent.
    assert.ok(results.predictive.abandonRate >= 0.02, `${results.predictive.abandonRate}`);
  });

  it('predictive beats the VICIdial baseline at an equal or lower abandon rate', () => {
    assert.ok(
      results.predictive.talkMinutesPerAgentHour > results.vicidial.talkMinutesPerAgentHour,
    );
    assert.ok(results.predictive.abandonRate <= results.vicidial.abandonRate);
  });
});
