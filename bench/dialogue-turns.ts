// Dialogue engine alone: conversations and robot turns per second, every built-in robot against
// every answering persona, with the real keyword NLU; against a baseline of the same engine with
// an NLU that answers instantly (so the ratio is what understanding costs).
//
//   node bench/dialogue-turns.ts [--seconds S] [--rounds R]
//
// No telephony, no audio, no store: one process, one core.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { personaFor, SimulatedCallee } from '../src/channels/telephony/simulated/personas.ts';
import { converse } from '../src/dialogue/engine.ts';
import { KeywordNlu } from '../src/dialogue/nlu/keyword-nlu.ts';
import type { IntentOption, Nlu } from '../src/dialogue/nlu/nlu.ts';
import { calleeVars } from '../src/dialogue/template.ts';
import { builtinRobots } from '../src/modules/robots/builtin-robots.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);

const NUMBERS = [
  '+6281234567000',
  '+6281234567010',
  '+6281234567001',
  '+6281234567002',
  '+6281234567003',
  '+6281234567004',
  '+6281234567008',
  '+6281234567009',
];
const CALLEE = {
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  total_owing_amount: '20310.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
  extra_a: 'blue sneakers',
  extra: [{ Question: 'id_last4', Content: '1234' }],
};
const NOW = new Date('2026-11-20T03:00:00Z');

/** Picks the first intent and a fixed value: the engine's own cost with understanding free. */
const instantNlu: Nlu = {
  classify: async (_text: string, intents: IntentOption[]) => ({
    intent: intents[0]?.name ?? null,
    confidence: 1,
  }),
  extract: async () => '2026-11-21',
};

async function measure(
  nlu: Nlu,
): Promise<{ conversations: number; turns: number; seconds: number }> {
  const robots = builtinRobots().map((r) => r.definition);
  let conversations = 0;
  let turns = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (const robot of robots) {
      for (const number of NUMBERS) {
        const c = await converse({
          robot,
          vars: calleeVars({ ...CALLEE, callee_number: number }),
          callee: new SimulatedCallee(personaFor(number)),
          nlu,
          context: { now: NOW, timeZone: 'Asia/Jakarta' },
        });
        conversations += 1;
        turns += c.turns.length;
      }
    }
  }
  return { conversations, turns, seconds: (performance.now() - started) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `dialogue engine alone: ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`,
);
console.log(
  `${builtinRobots().length} robots x ${NUMBERS.length} personas per pass; ${ROUNDS} rounds of ${SECONDS} s each\n`,
);
const keyword: number[] = [];
const baseline: number[] = [];
const perConversation: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Interleaved, so machine noise hits both alike.
  const k = await measure(new KeywordNlu());
  const b = await measure(instantNlu);
  keyword.push(k.turns / k.seconds);
  baseline.push(b.turns / b.seconds);
  perConversation.push(k.conversations / k.seconds);
  console.log(
    `round ${round}: keyword NLU ${Math.round(k.turns / k.seconds)} turns/s (${Math.round(k.conversations / k.seconds)} conversations/s); ` +
      `instant NLU ${Math.round(b.turns / b.seconds)} turns/s`,
  );
}
const k = median(keyword);
const b = median(baseline);
console.log('\n| engine with | turns/s (median) | conversations/s | ratio to baseline |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| keyword NLU | ${Math.round(k)} | ${Math.round(median(perConversation))} | ${(k / b).toFixed(2)}x |`,
);
console.log(`| instant NLU (baseline) | ${Math.round(b)} | | 1.00x |`);
