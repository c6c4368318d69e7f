// Every line of every built-in robot is a sentence whatever the callee brings: rendered with an
// empty callee (and no slots filled) no line has a hole, and with a full callee no line shows a
// stored value ("1500000.00", "IDR", "2026-11-07"). And an opt-out never promises what the app
// will not do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personaFor, SimulatedCallee } from '../../src/channels/telephony/simulated/personas.ts';
import { converse } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { robotTemplates, variableTypes } from '../../src/dialogue/script/variables.ts';
import { calleeVars, fillTemplate } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { holes } from './line-holes.ts';

const NOW = new Date('2026-11-19T03:00:00Z');
const ZONE = 'Asia/Jakarta';

describe('built-in robot lines', () => {
  for (const { definition: robot } of builtinRobots()) {
    const speech = {
      language: robot.language,
      types: variableTypes(robot),
      now: NOW,
      timeZone: ZONE,
    };
    it(`${robot.name}: every line is whole with an empty callee`, () => {
      for (const { path, text } of robotTemplates(robot)) {
        if (path.endsWith('.expect')) continue; // compared, never said
        const line = fillTemplate(text, calleeVars({ callee_number: '+6281234567000' }), speech);
        assert.deepEqual(holes(line), [], `${path}: "${line}"`);
      }
    });

    it(`${robot.name}: every line says amounts and dates as words with a full callee`, () => {
      const vars = calleeVars({
        callee_number: '+6281234567000',
        callee_name: 'Andi',
        platform_name: 'AIZCC',
        total_owing_amount: '1500000.00',
        currency_unit: 'IDR',
        due_date: '2026-11-30',
        extra_a: 'blue sneakers',
        ptp_date: '2026-11-27',
        delivery_date: '2026-11-27',
      });
      for (const { path, text } of robotTemplates(robot)) {
        if (path.endsWith('.expect')) continue;
        const line = fillTemplate(text, vars, speech);
        assert.deepEqual(holes(line), [], `${path}: "${line}"`);
        assert.doesNotMatch(line, /\d{4}-\d{2}-\d{2}|1500000|\.00\b|\bIDR\b/, `${path}: "${line}"`);
      }
    });
  }

  it('the holes check catches the lines the demo said', () => {
    assert.deepEqual(holes('Hello, this is Hannah calling from. Am I speaking with Andi?'), [
      'a dangling word before punctuation',
    ]);
    assert.ok(holes('Your loan of  was due on .').length >= 2);
  });
});

describe('the opt-out closing line', () => {
  const optOut = async (language: string, optOutListed?: boolean) => {
    const robot = builtinRobots().find(
      (r) => r.definition.business_line === 'collection' && r.definition.language === language,
    )!.definition;
    const number = '+6281234567000';
    return converse({
      robot,
      vars: calleeVars({ callee_number: number }),
      callee: new SimulatedCallee(personaFor(number, 'opts_out')),
      nlu: new KeywordNlu(),
      context: { now: NOW, timeZone: ZONE },
      ...(optOutListed === undefined ? {} : { optOutListed }),
    });
  };

  it('promises not to call again when the app lists opt-outs (the default)', async () => {
    const c = await optOut('en');
    assert.ok('Opt_Out' in c.multi_label);
    assert.equal(c.turns.at(-1)!.robottext, 'Understood, we will not call you again. Goodbye.');
    assert.equal((await optOut('en', true)).turns.at(-1)!.robottext, c.turns.at(-1)!.robottext);
  });

  it('does not promise it when the app has switched listing off', async () => {
    const en = await optOut('en', false);
    assert.ok('Opt_Out' in en.multi_label, 'the opt-out is still reported');
    assert.equal(en.turns.at(-1)!.robottext, 'Understood, I have noted your request. Goodbye.');
    const id = await optOut('id', false);
    assert.doesNotMatch(id.turns.at(-1)!.robottext, /tidak akan menelepon/);
  });

  it('every built-in opt-out ending has its line for apps that do not list', () => {
    for (const { definition } of builtinRobots()) {
      for (const node of Object.values(definition.nodes)) {
        if (node.type !== 'end' || !node.labels?.Opt_Out) continue;
        assert.ok(node.say_when_not_listed, definition.name);
        assert.doesNotMatch(node.say_when_not_listed, /not call you again|tidak akan menelepon/);
      }
    }
  });
});
