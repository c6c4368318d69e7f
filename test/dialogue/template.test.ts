// Robot line templates: fallbacks, optional segments, the variables a robot may use, and the
// variables a callee lacks (the task-creation warnings).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRobot } from '../../src/dialogue/script/check-robot.ts';
import { CALLEE_VARIABLES, missingVariables } from '../../src/dialogue/script/variables.ts';
import { fillTemplate, templateProblems, templateVariables } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { Callee } from '../../src/modules/tasks/tasks.schema.ts';

const collectionEn = () =>
  structuredClone(builtinRobots().find((r) => r.robot_id === 4496)!.definition);

describe('fillTemplate', () => {
  it('uses the fallback when the variable is missing or blank, the value otherwise', () => {
    const line = 'Calling from {platform_name|our company}.';
    assert.equal(fillTemplate(line, {}), 'Calling from our company.');
    assert.equal(fillTemplate(line, { platform_name: '  ' }), 'Calling from our company.');
    assert.equal(fillTemplate(line, { platform_name: 'AIZCC' }), 'Calling from AIZCC.');
  });

  it('drops an optional segment whole when a variable in it is empty', () => {
    const line =
      'Hello, this is Hannah calling[ from {platform_name}]. Am I speaking with {callee_name|you}?';
    assert.equal(fillTemplate(line, {}), 'Hello, this is Hannah calling. Am I speaking with you?');
    assert.equal(
      fillTemplate(line, { platform_name: 'AIZCC', callee_name: 'Andi' }),
      'Hello, this is Hannah calling from AIZCC. Am I speaking with Andi?',
    );
    const two = 'Your loan[ of {total_owing_amount} {currency_unit}] was due.';
    assert.equal(fillTemplate(two, { total_owing_amount: '5' }), 'Your loan was due.');
    assert.equal(
      fillTemplate('Hi[ from {platform_name|us}].', {}),
      'Hi from us.',
      'a fallback keeps the segment',
    );
  });

  it('puts values in as text: braces or brackets in a value are not a template', () => {
    assert.equal(
      fillTemplate('Order: {extra_a}[ for {callee_name}].', {
        extra_a: '[x] {callee_name}',
        callee_name: 'Sari',
      }),
      'Order: [x] {callee_name} for Sari.',
    );
  });

  it('says an empty variable without fallback as nothing, never "{name}"', () => {
    assert.equal(fillTemplate('Due on {due_date}. Bye', {}), 'Due on. Bye');
  });

  it('lists variables with whether the line needs them', () => {
    assert.deepEqual(templateVariables('a {x} [b {y}] {z|zz}'), [
      { name: 'x', required: true },
      { name: 'y', required: false },
      { name: 'z', required: false },
    ]);
  });

  it('refuses malformed templates', () => {
    assert.deepEqual(templateProblems('Hello [from {platform_name}] {callee_name|you}.'), []);
    assert.equal(templateProblems('Hello {platform_name.').length, 1);
    assert.equal(templateProblems('Hello [from [x {a}]]').length, 1);
    assert.equal(templateProblems('Hello [from us]').length, 1, 'a segment without a variable');
    assert.equal(templateProblems('Hello {}').length, 1);
  });
});

describe('robot variables', () => {
  it('knows exactly the text fields of the task API callee', () => {
    const schemaFields = Object.entries(Callee.properties)
      .filter(([, schema]) => (schema as { type?: string }).type === 'string')
      .map(([name]) => name)
      .sort();
    assert.deepEqual(Object.keys(CALLEE_VARIABLES).sort(), schemaFields);
  });

  it('refuses a misspelt variable, and accepts it once declared', () => {
    const robot = collectionEn();
    robot.nodes.identity!.say = 'Hello from {platfrom_name}.';
    assert.deepEqual(checkRobot(robot), [
      'nodes.identity.say: "{platfrom_name}" is not a callee field, a slot of this robot or a variable declared in "variables"',
    ]);
    robot.variables = { platfrom_name: 'text' };
    assert.deepEqual(checkRobot(robot), []);
  });

  it('refuses an undeclared variable in a fallback-less expect, a re-ask or a give-up line', () => {
    const robot = collectionEn();
    robot.no_input.give_up = 'Bye {agent}.';
    robot.no_match.reprompts = ['Sorry [{agent}]?'];
    const problems = checkRobot(robot);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /^no_input\.give_up: "\{agent\}"/);
    assert.match(problems[1]!, /^no_match\.reprompts\.0: "\{agent\}"/);
  });

  it('refuses declaring a callee field as a custom variable', () => {
    const robot = collectionEn();
    robot.variables = { due_date: 'date' };
    assert.match(checkRobot(robot).join('\n'), /variables\.due_date: is a callee field already/);
  });

  it('warns of the variables a callee lacks that a line needs, not of optional ones or slots', () => {
    const robot = collectionEn();
    robot.nodes.identity!.say =
      'Hello {callee_name}[ from {platform_name}]. Owing {total_owing_amount|some money}.';
    robot.nodes.end_ptp!.say = 'Noted for {ptp_date}.';
    assert.deepEqual(missingVariables(robot, { callee_number: '+628' }), ['callee_name']);
    assert.deepEqual(missingVariables(robot, { callee_number: '+628', callee_name: 'Andi' }), []);
    const info = builtinRobots().find((r) => r.robot_id === 4498)!.definition;
    // The info check compares with callee_name and id_last4: without them it cannot verify.
    assert.deepEqual(missingVariables(info, { callee_number: '+628' }), [
      'callee_name',
      'id_last4',
    ]);
    assert.deepEqual(
      missingVariables(info, {
        callee_name: 'Andi',
        extra: [{ Question: 'id_last4', Content: '1234' }],
      }),
      [],
    );
  });

  it('gives the built-in robots lines that need nothing the callee may lack, but what they verify', () => {
    for (const { definition } of builtinRobots()) {
      const expected = definition.business_line === 'info_check' ? ['callee_name', 'id_last4'] : [];
      assert.deepEqual(missingVariables(definition, {}), expected, definition.name);
    }
  });
});
