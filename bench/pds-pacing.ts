// Predictive dialer pacing (issue 13, docs/pds.md): 20 agents and 5,000 contacts at a 20 %
// live-answer rate, one simulated world (one seed), run through progressive pacing, Tiller's
// predictive pacer and a baseline after VICIdial's ADAPT_HARD_LIMIT method, in this one process.
// Prints abandon rate, occupancy and talk minutes per agent-hour for each, the ratios, and whether
// the targets hold: predictive within 0.5 percentage points of maxLostRate (3 %) either side,
// >= 30 % more talk per agent-hour than progressive, and more than the VICIdial baseline at an
// equal or lower abandon rate. The baseline's own rate moves by a few tenths of a point from seed
// to seed, so it also runs with half a point more room (limit 3.5 %): predictive must out-talk
// both runs and abandon no more than at least one of them (docs/pds.md, "Benchmark"). Then the same comparison on more seeds with the highest abandon
// rate over any trailing hour, and the plot docs/pds-pacing.svg (abandon rate since the start and
// over the trailing hour, occupancy, first seed). Pure simulation: no database, no timers.
//
//   npm run bench:pds -- [--seeds 1,2,3,4,5] [--agents 20] [--contacts 5000] [--live 0.2]
//                        [--machines 0] [--screen 0] [--svg docs/pds-pacing.svg]
// --screen S: the robot's first S seconds on each live answer before the agent (docs/pds.md).

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  maxTrailingAbandonRate,
  trailingAbandonRates,
} from '../src/modules/pds/pacing/sim/abandon-window.ts';
import { simulate, type SimulationResult } from '../src/modules/pds/pacing/sim/simulation.ts';
import {
  DEFAULT_WORLD,
  drawContacts,
  type WorldOptions,
} from '../src/modules/pds/pacing/sim/world.ts';
import type { PacingMode } from '../src/modules/pds/pacing/types.ts';
import { lineChart, type Series } from './svg-line-chart.ts';

const MAX_LOST_RATE = 0.03;
const WITHIN_PP = 0.005;
/** The VICIdial baseline's second run: its drop limit half a point higher. */
const LOOSER_LIMIT = 0.035;
const LOOSER = 'vicidial-looser';
const TALK_GAIN = 1.3;
/** The trailing window whose highest abandon rate is reported (about 330 live answers). */
const WINDOW_MS = 60 * 60_000;

const DEFAULTS = {
  seeds: '1,2,3,4,5',
  agents: String(DEFAULT_WORLD.agents),
  contacts: String(DEFAULT_WORLD.contacts),
  live: String(DEFAULT_WORLD.liveAnswerRate),
  machines: String(DEFAULT_WORLD.machineRate),
  screen: String(DEFAULT_WORLD.robotScreenMs / 1000),
  svg: 'docs/pds-pacing.svg',
};
// Not strict: `npm run bench` passes every benchmark the same arguments (e.g. --store).
const parsed = parseArgs({
  strict: false,
  options: Object.fromEntries(
    Object.keys(DEFAULTS).map((name) => [name, { type: 'string' as const }]),
  ),
}).values;
const values = Object.fromEntries(
  Object.entries(DEFAULTS).map(([name, fallback]) => {
    const given = parsed[name];
    return [name, typeof given === 'string' ? given : fallback];
  }),
) as typeof DEFAULTS;

const MODES: Array<{ mode: PacingMode; label: string; color: string }> = [
  { mode: 'progressive', label: 'progressive', color: '#7f7f7f' },
  { mode: 'predictive', label: 'Tiller predictive', color: '#d62728' },
  { mode: 'vicidial-hard-limit', label: 'VICIdial HARD_LIMIT', color: '#1f77b4' },
];

interface Comparison {
  seed: number;
  results: Record<string, SimulationResult>;
  withinLimit: boolean;
  /** Highest abandon rate over a trailing hour, per mode. */
  worstHour: Record<string, number>;
  talkRatio: number;
  vsVicidial: number;
  beatsVicidial: boolean;
}

function runSeed(seed: number): Comparison {
  const world: WorldOptions = {
    ...DEFAULT_WORLD,
    seed,
    agents: Number(values.agents),
    contacts: Number(values.contacts),
    liveAnswerRate: Number(values.live),
    machineRate: Number(values.machines),
    robotScreenMs: Number(values.screen) * 1000,
  };
  const contacts = drawContacts(world);
  const results: Record<string, SimulationResult> = {};
  for (const { mode } of MODES) {
    results[mode] = simulate({ world, mode, contacts, pacing: { maxLostRate: MAX_LOST_RATE } });
  }
  results[LOOSER] = simulate({
    world,
    mode: 'vicidial-hard-limit',
    contacts,
    pacing: { maxLostRate: LOOSER_LIMIT },
  });
  const predictive = results.predictive!;
  const progressive = results.progressive!;
  const vicidial = results['vicidial-hard-limit']!;
  const looser = results[LOOSER]!;
  const talkRatio = predictive.talkMinutesPerAgentHour / progressive.talkMinutesPerAgentHour;
  const vsVicidial = predictive.talkMinutesPerAgentHour / vicidial.talkMinutesPerAgentHour;
  const worstHour = Object.fromEntries(
    MODES.map(({ mode }) => [mode, maxTrailingAbandonRate(results[mode]!.timeline, WINDOW_MS)]),
  );
  return {
    seed,
    results,
    worstHour,
    // Within 0.5 points either side: too careful (unspent drop budget) misses it too. A tiny
    // allowance absorbs floating-point noise at the band's edges.
    withinLimit: Math.abs(predictive.abandonRate - MAX_LOST_RATE) <= WITHIN_PP + 1e-12,
    talkRatio,
    vsVicidial,
    beatsVicidial:
      predictive.talkMinutesPerAgentHour > vicidial.talkMinutesPerAgentHour &&
      predictive.talkMinutesPerAgentHour > looser.talkMinutesPerAgentHour &&
      (predictive.abandonRate <= vicidial.abandonRate ||
        predictive.abandonRate <= looser.abandonRate),
  };
}

const pct = (value: number, digits = 2) => `${(value * 100).toFixed(digits)} %`;
const verdict = (ok: boolean) => (ok ? 'yes' : 'NO');

const seeds = values.seeds.split(',').map(Number);
const started = performance.now();
const comparisons = seeds.map(runSeed);
const elapsed = (performance.now() - started) / 1000;
const first = comparisons[0]!;

console.log(
  `World: ${values.agents} agents, ${values.contacts} contacts, live answers ${pct(Number(values.live), 0)}, ` +
    `machines ${pct(Number(values.machines), 0)}, robot screening ${values.screen} s, ring limit ${DEFAULT_WORLD.ringLimitMs / 1000} s, ` +
    `talk lognormal median ${DEFAULT_WORLD.talkMedianMs / 1000} s (sigma ${DEFAULT_WORLD.talkSigma}), ` +
    `acwTime ${DEFAULT_WORLD.acwTimeMs / 1000} s, connect limit ${DEFAULT_WORLD.connectLimitMs / 1000} s, ` +
    `maxLostRate ${pct(MAX_LOST_RATE, 0)}`,
);
console.log(`Seed ${first.seed}:`);
console.log(
  'mode                  abandon   occupancy  talk min/agent-h   calls  live  drops  run',
);
const tableRows = [...MODES, { mode: LOOSER, label: 'VICIdial at 3.5 %' }];
for (const { mode, label } of tableRows) {
  const r = first.results[mode]!;
  console.log(
    `${label.padEnd(20)} ${pct(r.abandonRate).padStart(8)} ${pct(r.occupancy, 1).padStart(10)} ` +
      `${r.talkMinutesPerAgentHour.toFixed(1).padStart(17)} ${String(r.dials).padStart(7)} ` +
      `${String(r.connected).padStart(5)} ${String(r.drops).padStart(6)}  ${(r.runMs / 3_600_000).toFixed(2)} h`,
  );
}
const predictive = first.results.predictive!;
const vicidial = first.results['vicidial-hard-limit']!;
const looser = first.results[LOOSER]!;
console.log(
  `predictive / progressive talk min per agent-hour: ${first.talkRatio.toFixed(2)}; ` +
    `predictive / VICIdial: ${first.vsVicidial.toFixed(2)}`,
);
console.log(
  `targets: abandon ${pct(predictive.abandonRate)} within 0.5 pp of ${pct(MAX_LOST_RATE, 0)} ` +
    `(2.50 % to 3.50 %): ${verdict(first.withinLimit)}; >= ${TALK_GAIN}x progressive: ` +
    `${verdict(first.talkRatio >= TALK_GAIN)}; beats VICIdial at equal or lower abandon ` +
    `(${pct(predictive.abandonRate)} vs ${pct(vicidial.abandonRate)}, ${pct(looser.abandonRate)} ` +
    `at the 3.5 % limit): ${verdict(first.beatsVicidial)}`,
);

console.log(`\nAll seeds (abandon / talk min per agent-hour; worst trailing hour's abandon rate):`);
console.log(
  'seed  progressive      predictive       VICIdial         VICI 3.5 %      x prog  x VICI  targets' +
    '  worst hour: pred  VICI',
);
for (const c of comparisons) {
  const cell = (mode: string) => {
    const r = c.results[mode]!;
    return `${pct(r.abandonRate)} / ${r.talkMinutesPerAgentHour.toFixed(1)}`.padEnd(16);
  };
  const all = c.withinLimit && c.talkRatio >= TALK_GAIN && c.beatsVicidial;
  console.log(
    `${String(c.seed).padEnd(5)} ${cell('progressive')} ${cell('predictive')} ${cell('vicidial-hard-limit')} ${cell(LOOSER)} ` +
      `${c.talkRatio.toFixed(2).padStart(6)}  ${c.vsVicidial.toFixed(2).padStart(6)}  ${(all ? 'hold' : 'FAIL').padEnd(7)}` +
      `            ${pct(c.worstHour.predictive!)}  ${pct(c.worstHour['vicidial-hard-limit']!)}`,
  );
}
console.log(`(${comparisons.length * tableRows.length} simulations in ${elapsed.toFixed(1)} s)`);

const minutes = (r: SimulationResult, pick: (p: (typeof r.timeline)[number]) => number) =>
  r.timeline.map((p): [number, number] => [p.atMs / 60_000, pick(p)]);
const seriesOf = (pick: (p: SimulationResult['timeline'][number]) => number): Series[] =>
  MODES.map(({ mode, label, color }) => ({
    name: label,
    color,
    points: minutes(first.results[mode]!, pick),
  }));
const xMax =
  Math.ceil(Math.max(...MODES.map(({ mode }) => first.results[mode]!.runMs)) / 60_000 / 30) * 30;
const svg = lineChart(
  `PDS pacing: ${values.agents} agents, ${values.contacts} contacts, ${pct(Number(values.live), 0)} live answers (seed ${first.seed})`,
  'minutes since start',
  xMax,
  [
    {
      title: 'Abandon rate since start: drops / (drops + live answers)',
      yLabel: 'abandon rate',
      yMax: 0.06,
      yTick: (v) => `${(v * 100).toFixed(1)} %`,
      series: seriesOf((p) => p.abandonRate),
      marks: [{ y: MAX_LOST_RATE, label: 'maxLostRate 3 %', color: '#444' }],
    },
    {
      title: 'Abandon rate over the trailing hour (progressive: 0)',
      yLabel: 'abandon rate',
      yMax: 0.06,
      yTick: (v) => `${(v * 100).toFixed(1)} %`,
      series: MODES.filter(({ mode }) => mode !== 'progressive').map(({ mode, label, color }) => ({
        name: label,
        color,
        points: trailingAbandonRates(first.results[mode]!.timeline, WINDOW_MS)
          .filter((p) => p.abandonRate !== null)
          .map((p): [number, number] => [p.atMs / 60_000, p.abandonRate!]),
      })),
      marks: [{ y: MAX_LOST_RATE, label: 'maxLostRate 3 %', color: '#444' }],
    },
    {
      title: 'Agent occupancy (talk + wrap-up), trailing 5 minutes',
      yLabel: 'occupancy',
      yMax: 1,
      yTick: (v) => `${(v * 100).toFixed(0)} %`,
      series: seriesOf((p) => p.occupancy),
    },
  ],
);
writeFileSync(values.svg, svg);
console.log(`plot written to ${values.svg}`);

const holds = comparisons.every(
  (c) => c.withinLimit && c.talkRatio >= TALK_GAIN && c.beatsVicidial,
);
process.exit(holds ? 0 : 1);
