// Prints the transcript of every built-in robot with every persona that answers, for reading:
//   node test/dialogue/print-transcripts.ts [line] [language]
// The test (personas-robots.test.ts) checks the outcomes; this is for a person to judge the words.
import { personaFor, SimulatedCallee } from '../../src/channels/telephony/simulated/personas.ts';
import { converse } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { calleeVars } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { PERSONA_NUMBER } from './persona-numbers.ts';

const NOW = new Date('2026-11-19T03:00:00Z'); // Thursday 10:00 in Jakarta
const CALLEE = {
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  total_owing_amount: '1500000.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
  extra_a: 'blue sneakers size 42',
  extra: [{ Question: 'id_last4', Content: '1234' }],
};
const ROWS = PERSONA_NUMBER;
const [onlyLine, onlyLanguage] = process.argv.slice(2);
const calleeSets = process.env.EMPTY ? [{}] : [CALLEE];
for (const { definition: robot } of builtinRobots()) {
  if (onlyLine && robot.business_line !== onlyLine) continue;
  if (onlyLanguage && robot.language !== onlyLanguage) continue;
  for (const [row, number] of Object.entries({ ...ROWS, opts_out: '+6281234567000' })) {
    const callee = calleeSets[0]!;
    const c = await converse({
      robot,
      vars: calleeVars({ ...callee, callee_number: number }),
      callee: new SimulatedCallee(personaFor(number, row === 'opts_out' ? 'opts_out' : undefined)),
      nlu: new KeywordNlu(),
      context: { now: NOW, timeZone: 'Asia/Jakarta' },
    });
    console.log(`\n== ${robot.name} x ${row}: ${c.intention} ${c.intention_description}`);
    for (const t of c.turns) console.log(`  R: ${t.robottext}\n  C: ${t.text}`);
    if (c.question_answer.length) console.log('  QA:', JSON.stringify(c.question_answer));
    if (Object.keys(c.ner_slots).length) console.log('  slots:', JSON.stringify(c.ner_slots));
  }
}
