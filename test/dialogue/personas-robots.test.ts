import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  personaFor,
  SimulatedCallee,
  type Persona,
} from '../../src/channels/telephony/simulated/personas.ts';
import { converse, type Conversation } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { calleeVars } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { PERSONA_NUMBER } from './persona-numbers.ts';

// Every persona that answers x every built-in robot: the robot must reach the intention, slots,
// labels and transcript shape the persona calls for, in English and Bahasa Indonesia, with the
// real keyword NLU. The call is "answered" at a fixed moment so relative dates are known.

const NOW = new Date('2026-11-20T03:00:00Z'); // Friday 10:00 in Jakarta
const ZONE = 'Asia/Jakarta';
const TOMORROW = '2026-11-21';
const NEXT_FRIDAY = '2026-11-27';

const CALLEE = {
  case_id: 'c-1',
  callee_number: '+6281234567000',
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  total_owing_amount: '20310.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
  extra_a: 'blue sneakers size 42',
  extra: [{ Question: 'id_last4', Content: '1234' }],
};

interface Expected {
  intention: string;
  /** Label keys that must be present in multi_label. */
  labels: string[];
  slots?: Record<string, string>;
  ptp?: string;
  /** Verification results of question_answer, in order. */
  answers?: string[];
  endedBy: 'robot' | 'callee';
  /** Robot lines in the transcript, when the shape is fixed. */
  robotTurns?: number;
  /** Every callee answer is empty (silence). */
  silent?: boolean;
}

type Line = 'collection' | 'telemarketing' | 'info_check';

const EXPECTED: Record<
  Line,
  Partial<Record<Persona | 'noisy_cooperative' | 'cooperative_friday', Expected>>
> = {
  collection: {
    cooperative: {
      intention: 'A',
      labels: ['Correct_Person', 'PTP'],
      slots: { ptp_date: TOMORROW },
      ptp: TOMORROW,
      endedBy: 'robot',
      robotTurns: 3,
    },
    cooperative_friday: {
      intention: 'A',
      labels: ['PTP'],
      slots: { ptp_date: NEXT_FRIDAY },
      ptp: NEXT_FRIDAY,
      endedBy: 'robot',
    },
    noisy_cooperative: {
      intention: 'A',
      labels: ['Correct_Person', 'PTP'],
      slots: { ptp_date: TOMORROW },
      ptp: TOMORROW,
      endedBy: 'robot',
    },
    refuses: {
      intention: 'D',
      labels: ['Correct_Person', 'Refuse_To_Pay'],
      endedBy: 'robot',
      robotTurns: 3,
    },
    wrong_person: { intention: 'D', labels: ['Wrong_Person'], endedBy: 'robot', robotTurns: 2 },
    call_later: { intention: 'C', labels: ['Call_Back'], endedBy: 'robot', robotTurns: 2 },
    voicemail: { intention: 'F', labels: ['Voicemail'], endedBy: 'robot', robotTurns: 1 },
    hangs_up: { intention: 'E', labels: [], endedBy: 'callee', robotTurns: 3 },
    silent: { intention: 'E', labels: [], endedBy: 'robot', robotTurns: 6, silent: true },
  },
  telemarketing: {
    cooperative: {
      intention: 'A',
      labels: ['Correct_Person', 'Order'],
      slots: { delivery_date: TOMORROW },
      endedBy: 'robot',
      robotTurns: 4,
    },
    noisy_cooperative: {
      intention: 'A',
      labels: ['Order'],
      slots: { delivery_date: TOMORROW },
      endedBy: 'robot',
    },
    refuses: {
      intention: 'D',
      labels: ['Correct_Person', 'Order'],
      endedBy: 'robot',
      robotTurns: 3,
    },
    wrong_person: { intention: 'D', labels: ['Wrong_Person'], endedBy: 'robot', robotTurns: 2 },
    call_later: { intention: 'C', labels: ['Call_Back'], endedBy: 'robot', robotTurns: 2 },
    voicemail: { intention: 'F', labels: ['Voicemail'], endedBy: 'robot', robotTurns: 1 },
    hangs_up: { intention: 'E', labels: [], endedBy: 'callee', robotTurns: 3 },
    silent: { intention: 'E', labels: [], endedBy: 'robot', robotTurns: 6, silent: true },
  },
  info_check: {
    cooperative: {
      intention: 'A',
      labels: ['Correct_Person', 'Verified'],
      answers: ['Match', 'Match'],
      endedBy: 'robot',
      robotTurns: 4,
    },
    noisy_cooperative: {
      intention: 'A',
      labels: ['Verified'],
      answers: ['Match', 'Match'],
      endedBy: 'robot',
    },
    refuses: { intention: 'D', labels: [], endedBy: 'robot', robotTurns: 2 },
    wrong_person: { intention: 'D', labels: ['Wrong_Person'], endedBy: 'robot', robotTurns: 2 },
    call_later: { intention: 'C', labels: ['Call_Back'], endedBy: 'robot', robotTurns: 2 },
    voicemail: { intention: 'F', labels: ['Voicemail'], endedBy: 'robot', robotTurns: 1 },
    hangs_up: { intention: 'E', labels: [], endedBy: 'callee', robotTurns: 3 },
    silent: { intention: 'E', labels: [], endedBy: 'robot', robotTurns: 6, silent: true },
  },
};

const NUMBER = PERSONA_NUMBER;

async function run(line: Line, language: string, row: string): Promise<Conversation> {
  const robot = builtinRobots().find(
    (r) => r.definition.business_line === line && r.definition.language === language,
  );
  assert.ok(robot, `a built-in ${line} robot in ${language}`);
  return converse({
    robot: robot.definition,
    vars: calleeVars({ ...CALLEE, callee_number: NUMBER[row]! }),
    callee: new SimulatedCallee(personaFor(NUMBER[row]!)),
    nlu: new KeywordNlu(),
    context: { now: NOW, timeZone: ZONE },
  });
}

for (const language of ['en', 'id']) {
  for (const line of Object.keys(EXPECTED) as Line[]) {
    describe(`${line} robot (${language}) with every persona`, () => {
      for (const [row, expected] of Object.entries(EXPECTED[line])) {
        it(`${row} -> ${expected.intention}`, async () => {
          const c = await run(line, language, row);
          const said = c.turns.map((t) => `${t.robottext} | ${t.text}`).join('\n');
          assert.equal(c.intention, expected.intention, `intention, transcript:\n${said}`);
          assert.ok(c.intention_description.length > 0);
          for (const label of expected.labels)
            assert.ok(label in c.multi_label, `label ${label} in ${JSON.stringify(c.multi_label)}`);
          assert.deepEqual(c.ner_slots, expected.slots ?? {}, `slots, transcript:\n${said}`);
          assert.equal(c.asr_ptp, expected.ptp ?? '');
          assert.deepEqual(
            c.question_answer.map((q) => q.verification_results),
            expected.answers ?? [],
          );
          assert.equal(c.endedBy, expected.endedBy);
          if (expected.robotTurns !== undefined)
            assert.equal(c.turns.length, expected.robotTurns, `robot turns:\n${said}`);
          if (expected.silent) {
            assert.ok(c.turns.every((t) => t.text === ''));
            assert.equal(c.talk_round, 0);
          } else if (row !== 'voicemail') {
            assert.ok(c.talk_round >= 1);
          }
          assert.ok(
            c.turns.every((t) => !/\{[a-z_]+\}/.test(t.robottext)),
            'no unfilled variables',
          );
        });
      }
    });
  }
}

describe('the transcript of a silent callee', () => {
  it('re-asks with the no-input prompts and gives up like the seed transcript', async () => {
    const c = await run('telemarketing', 'en', 'silent');
    const lines = c.turns.map((t) => t.robottext);
    assert.equal(lines[1], 'Hello?');
    assert.equal(lines[3], 'Are you there?');
    assert.equal(lines[0], lines[2]);
    assert.match(lines.at(-1)!, /cannot hear you clearly/);
    assert.equal(c.intention_description, 'No Voice');
  });
});

describe('what personas say fits the call', () => {
  it('confirms an order with "I confirm", not "speaking", in both languages', async () => {
    for (const language of ['en', 'id']) {
      const c = await run('telemarketing', language, 'cooperative');
      assert.ok(c.turns[1]!.text.length > 0);
      assert.doesNotMatch(c.turns[1]!.text, /speaking|saya sendiri/i, c.turns[1]!.text);
      assert.match(c.turns[1]!.text, /confirm|konfirmasi/i);
    }
  });

  it('refuses an order or a verification without mentioning paying', async () => {
    for (const language of ['en', 'id']) {
      for (const line of ['telemarketing', 'info_check'] as const) {
        const c = await run(line, language, 'refuses');
        const said = c.turns.map((t) => t.text).join(' ');
        assert.doesNotMatch(said, /pay|bayar/i, `${line} ${language}: ${said}`);
      }
    }
  });

  it('keeps payment words out of the info-check robots', () => {
    for (const { definition } of builtinRobots()) {
      if (definition.business_line !== 'info_check') continue;
      assert.doesNotMatch(
        JSON.stringify(definition.nodes),
        /pay|bayar|money|uang/i,
        definition.name,
      );
    }
  });
});

describe('a persona asked to verify a value the task does not hold', () => {
  it('says it does not know, not a sentence with a hole', () => {
    const callee = new SimulatedCallee(personaFor(NUMBER.cooperative!));
    const prompt = {
      text: 'Please tell me the last four digits of your ID number.',
      expects: { kind: 'verify' as const, slotType: 'digits', expected: '' },
    };
    assert.deepEqual(callee.answer({ ...prompt, language: 'en' }), {
      text: 'Sorry, I do not know that.',
    });
    assert.deepEqual(callee.answer({ ...prompt, language: 'id' }), {
      text: 'Maaf, saya tidak tahu.',
    });
  });
});
