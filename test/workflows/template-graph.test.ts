import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { builtinTemplates } from '../../src/modules/workflows/builtin-templates.ts';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { escape, toMermaid } from '../../src/modules/workflows/mermaid.ts';
import { parseTemplate, validateGraph } from '../../src/modules/workflows/template-graph.ts';
import { AppError } from '../../src/shared/errors.ts';

// The rules of docs/workflows.md "Validation", one broken graph each: the import is refused with
// workflow_template_invalid and a message that names the node at fault.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break graphs freely
type Loose = Record<string, any>;

/** call → branch (not connected: wait 60 → call again) → api → end. */
function good(): Loose {
  return {
    name: 'retry_then_push',
    nodes: [
      { id: 'start', type: 'start', next: 'call' },
      { id: 'call', type: 'call', robot_id: '4496', redial_times: 1, next: 'reached' },
      {
        id: 'reached',
        type: 'branch',
        rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'pause' }],
        default: 'push',
      },
      { id: 'pause', type: 'wait', minutes: 60, next: 'call' },
      { id: 'push', type: 'api', url: 'https://crm.example.com/push', next: 'done' },
      { id: 'done', type: 'end' },
    ],
  };
}

const node = (graph: Loose, id: string) => graph.nodes.find((n: { id: string }) => n.id === id);

/** The problems of an invalid graph (fails if it is accepted). */
function problems(graph: unknown): string[] {
  try {
    validateGraph(graph);
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.key, 'workflow_template_invalid');
    return error.detail!.split('; ');
  }
  assert.fail('the graph was accepted');
}

function refused(graph: unknown, expected: RegExp) {
  const found = problems(graph);
  assert.ok(
    found.some((p) => expected.test(p)),
    `no problem matches ${expected}:\n${found.join('\n')}`,
  );
}

describe('workflow template validation', () => {
  it('accepts a good graph and answers a copy of it', () => {
    const input = good();
    const graph = validateGraph(input);
    assert.deepEqual(graph, input);
    assert.notEqual(graph.nodes, input.nodes);
  });

  it('refuses what is not a graph', () => {
    refused(null, /a template must be an object/);
    refused([], /a template must be an object/);
    refused({ nodes: good().nodes }, /^name must be a non-empty string/);
    refused({ name: 'x', nodes: [] }, /^nodes must be a non-empty list/);
    refused({ name: 'x' }, /^nodes must be a non-empty list/);
    refused({ ...good(), nodez: [] }, /^unknown template field "nodez"/);
    refused({ ...good(), notify_url: 'ftp://x' }, /^notify_url must be an absolute http\(s\) URL/);
  });

  it('refuses an unknown node type and unknown node fields', () => {
    const g = good();
    node(g, 'push').type = 'webhook';
    refused(g, /^node push: type "webhook" is not one of start, call, pds/);
    const h = good();
    node(h, 'call').redial_time = 2;
    refused(h, /^node call: unknown field "redial_time" for a call node$/);
    const i = good();
    node(i, 'reached').rules[0].otherwise = 'x';
    refused(i, /^node reached: rule 1: unknown field "otherwise"$/);
  });

  it('checks the call fields', () => {
    const g = good();
    Object.assign(node(g, 'call'), {
      robot_id: 4496,
      redial_times: 11,
      redial_interval: -1,
      caller_number: '0812345',
    });
    const found = problems(g);
    assert.ok(
      found.includes(
        'node call: robot_id must be a numeric string such as "4496" (quoted in YAML)',
      ),
    );
    assert.ok(found.includes('node call: redial_times must be an integer from 0 to 10'));
    assert.ok(found.some((p) => p.startsWith('node call: redial_interval must be whole minutes')));
    assert.ok(found.some((p) => p.startsWith('node call: caller_number must be E.164')));
    const h = good();
    delete node(h, 'call').robot_id;
    refused(h, /^node call: robot_id is required/);
  });

  it('checks the waba, sms and api fields', () => {
    const g = good();
    g.nodes.splice(4, 1, {
      id: 'push',
      type: 'waba',
      channel_id: '',
      template_id: 0,
      robot_id: 'bot',
      variables: { '1': 2 },
      timeout_minutes: 0,
      next: 'sms',
    });
    g.nodes.push({ id: 'sms', type: 'sms', from: 'x', message: ' ', next: 'api' });
    g.nodes.push({ id: 'api', type: 'api', url: '/relative', next: 'done' });
    const found = problems(g);
    for (const expected of [
      'node push: channel_id must be the WABA channel_id, a non-empty string',
      'node push: template_id must be a positive integer',
      'node push: robot_id must be a numeric string such as "4496" (quoted in YAML)',
      'node push: variables must be a map of names to strings',
      'node push: timeout_minutes must be whole minutes from 1 to 43200',
      'node sms: message must be a non-empty string',
      'node api: url must be an absolute http(s) URL',
    ]) {
      assert.ok(found.includes(expected), `missing "${expected}" in:\n${found.join('\n')}`);
    }
  });

  it('needs exactly one of minutes or until on a wait', () => {
    const g = good();
    Object.assign(node(g, 'pause'), { until: '09:00' });
    refused(g, /^node pause: a wait needs exactly one of minutes \(a duration\) or until/);
    const h = good();
    delete node(h, 'pause').minutes;
    refused(h, /^node pause: a wait needs exactly one of/);
    const i = good();
    node(i, 'pause').minutes = undefined;
    node(i, 'pause').until = '24:00';
    refused(i, /^node pause: until must be a time of day "HH:MM"/);
    const j = good();
    node(j, 'pause').minutes = 1.5;
    refused(j, /^node pause: minutes must be whole minutes/);
  });

  it('checks branch rules: paths, operators and their values, and the default', () => {
    const when = (c: unknown) => {
      const g = good();
      node(g, 'reached').rules[0].when = [c];
      return g;
    };
    refused(
      when({ field: 'call.conected', op: 'eq', value: false }),
      /^node reached: rule 1 condition 1: field "call.conected" is not a fact/,
    );
    refused(
      when({ field: 'call.multi_label.', op: 'exists' }),
      /field "call.multi_label." is not a fact/,
    );
    refused(
      when({ field: 'call.intention', op: 'like', value: 'A' }),
      /^node reached: rule 1 condition 1: op "like" is not one of eq, ne/,
    );
    refused(when({ field: 'call.intention', op: 'in', value: 'A' }), /in needs a non-empty list/);
    refused(
      when({ field: 'call.intention', op: 'not_in', value: [] }),
      /not_in needs a non-empty list/,
    );
    refused(
      when({ field: 'call.ner_slots.date', op: 'exists', value: true }),
      /exists takes no value/,
    );
    refused(
      when({ field: 'record.due_date', op: 'gt', value: 'tomorrow' }),
      /gt needs a number or a date/,
    );
    refused(
      when({ field: 'call.connected', op: 'eq', value: 'false' }),
      /call.connected is true or false, so its value must be a boolean/,
    );
    refused(when({ field: 'call.intention', op: 'eq' }), /eq needs a string, number or boolean/);
    refused(
      when({ field: 'call.intention', op: 'eq', value: 'A', values: 1 }),
      /unknown condition field "values"/,
    );
    for (const ok of [
      { field: 'call.intention', op: 'in', value: ['A', 'B'] },
      { field: 'record.due_date', op: 'lte', value: '2026-12-31' },
      { field: 'record.variables.amount', op: 'gte', value: 100 },
      { field: 'chatbot.event_label.paid', op: 'missing' },
      { field: 'waba.status', op: 'contains', value: 'read' },
    ]) {
      validateGraph(when(ok));
    }

    const g = good();
    delete node(g, 'reached').default;
    refused(g, /^node reached: a branch needs a default \(every branch covered\)/);
    const h = good();
    node(h, 'reached').rules = [];
    refused(h, /^node reached: rules must be a non-empty list/);
    const i = good();
    node(i, 'reached').rules[0].when = [];
    refused(i, /^node reached: rule 1: when must be a non-empty list/);
  });

  it('checks the pds node: a group is required, its settings have their ranges', () => {
    const g = good();
    node(g, 'call').type = 'pds';
    for (const key of ['robot_id', 'redial_times']) delete node(g, 'call')[key];
    assert.deepEqual(problems(g), [
      'node call: group_name is required (the name of a skill group of the app)',
    ]);
    Object.assign(node(g, 'call'), {
      group_name: 'Collections',
      dialing_mode: 'robotic',
      max_lost_rate: 0,
      acw_time: 4000,
    });
    assert.deepEqual(problems(g), [
      'node call: dialing_mode must be one of preview, progressive, predictive',
      'node call: max_lost_rate must be a percentage above 0, at most 100',
      'node call: acw_time must be whole seconds from 0 to 3600',
    ]);
    Object.assign(node(g, 'call'), { dialing_mode: 'predictive', max_lost_rate: 3, acw_time: 20 });
    const accepted = validateGraph(g).nodes.find((n) => n.id === 'call');
    assert.deepEqual(accepted, { ...node(g, 'call') });
  });

  it('refuses duplicate ids, no start or two, no end', () => {
    const g = good();
    g.nodes.push({ id: 'push', type: 'end' });
    refused(g, /^node push: the id is used by another node$/);
    const h = good();
    h.nodes.shift();
    refused(h, /^the graph has no start node$/);
    const i = good();
    i.nodes.push({ id: 'start2', type: 'start', next: 'call' });
    refused(i, /^the graph has 2 start nodes \(start, start2\), it needs one$/);
    const j = good();
    j.nodes.pop();
    node(j, 'push').next = 'push';
    refused(j, /^the graph has no end node$/);
    const k = good();
    k.nodes[3].id = 'bad id';
    refused(k, /^nodes\[3\]: id must be 1-64 letters/);
  });

  it('refuses dangling edges and edges back to the start', () => {
    const g = good();
    node(g, 'push').next = 'nowhere';
    node(g, 'reached').rules[0].next = 'gone';
    const found = problems(g);
    assert.ok(found.includes('node push: next "nowhere" is not a node of the graph'));
    assert.ok(found.includes('node reached: rule 1 next "gone" is not a node of the graph'));
    const h = good();
    node(h, 'pause').next = 'start';
    refused(h, /^node pause: next leads back to the start node "start"$/);
  });

  it('refuses a node not reachable from the start, and a node that cannot reach an end', () => {
    const g = good();
    g.nodes.push({ id: 'orphan', type: 'api', url: 'https://x.example', next: 'done' });
    assert.deepEqual(problems(g), ['node orphan: not reachable from the start']);
    const h = good();
    // pause → loop → pause: a wait in the loop, but no way out of it.
    node(h, 'reached').rules[0].next = 'pause';
    node(h, 'pause').next = 'loop';
    h.nodes.push({ id: 'loop', type: 'sms', from: 's', message: 'm', next: 'pause' });
    assert.deepEqual(problems(h), [
      'node pause: no path from it reaches an end node',
      'node loop: no path from it reaches an end node',
    ]);
  });

  it('refuses a cycle without a wait node, even beside one with a wait', () => {
    const g = good();
    node(g, 'reached').rules.push({
      when: [{ field: 'call.intention', op: 'eq', value: 'C' }],
      next: 'call',
    });
    assert.deepEqual(problems(g), [
      'nodes call, reached: a cycle without a wait node (records would loop without pause)',
    ]);
    const h = good();
    node(h, 'reached').rules[0].next = 'reached';
    assert.deepEqual(problems(h), [
      'node pause: not reachable from the start',
      'nodes reached: a cycle without a wait node (records would loop without pause)',
    ]);
    validateGraph(good()); // the same loop through the wait is fine
  });

  it('refuses strings the store cannot keep, wherever they are', () => {
    const g = good();
    node(g, 'reached').rules[0].when = [{ field: 'record.x', op: 'eq', value: 'a\u0000b' }];
    refused(g, /^strings may not contain the NUL character or unpaired surrogates$/);
    const h = good();
    node(h, 'reached').rules[0].when = [{ field: 'record.x', op: 'in', value: ['\ud800'] }];
    refused(h, /^strings may not contain the NUL character/);
  });

  it('lists every problem at once', () => {
    const g = good();
    node(g, 'call').robot_id = 'x';
    node(g, 'pause').minutes = 0;
    node(g, 'push').url = 'nope';
    assert.equal(problems(g).length, 3);
  });

  it('reads JSON and YAML, and refuses what is neither', () => {
    assert.deepEqual(validateGraph(parseTemplate(JSON.stringify(good()))), good());
    assert.deepEqual(validateGraph(parseTemplate(stringifyYaml(good()))), good());
    // YAML 1.2: an unquoted time of day stays a string.
    assert.equal((parseTemplate('until: 09:00\n') as { until: unknown }).until, '09:00');
    assert.throws(
      () => parseTemplate('name: [unclosed'),
      /Invalid workflow template: not JSON or YAML/,
    );
    assert.throws(() => parseTemplate('a: 1\na: 2\n'), /not JSON or YAML/);
  });

  it('ships built-in templates that pass validation, one per business line', () => {
    const builtins = builtinTemplates();
    assert.deepEqual(
      builtins.map((g) => g.business_line),
      ['collection', 'marketing', 'infocheck'],
    );
    for (const graph of builtins) assert.deepEqual(validateGraph(graph), graph);
    const collection = builtins[0]!;
    const waba = collection.nodes.find((n) => n.type === 'waba');
    assert.equal(waba?.type === 'waba' && waba.robot_id, '4502');
  });
});

describe('Mermaid drawing', () => {
  it('draws a small graph exactly', () => {
    const graph: WorkflowGraph = {
      name: 'small',
      nodes: [
        { id: 'start', type: 'start', next: 'call' },
        { id: 'call', name: 'Call "them"', type: 'call', robot_id: '4496', next: 'b' },
        {
          id: 'b',
          type: 'branch',
          rules: [
            { when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'w' },
            {
              when: [
                { field: 'call.intention', op: 'in', value: ['A', 'B'] },
                { field: 'call.ner_slots.date', op: 'exists' },
              ],
              next: 'api',
            },
          ],
          default: 'end',
        },
        { id: 'w', type: 'wait', until: '09:00', next: 'sms' },
        { id: 'sms', type: 'sms', from: 'Shop', message: 'hi', next: 'end' },
        { id: 'api', type: 'api', url: 'https://crm.example.com:8443/push?x=1', next: 'end' },
        { id: 'end', name: 'Done', type: 'end' },
      ],
    };
    assert.equal(
      toMermaid(graph),
      [
        'flowchart TD',
        '  n0(["start (start)"])',
        '  n1["Call #quot;them#quot; (call)<br/>robot 4496"]',
        '  n2{"b (branch)"}',
        '  n3["w (wait)<br/>until 09:00"]',
        '  n4["sms (sms)<br/>from Shop"]',
        '  n5["api (api)<br/>crm.example.com:8443"]',
        '  n6(["Done (end)"])',
        '  n0 --> n1',
        '  n1 --> n2',
        '  n2 -->|"call.connected eq false"| n3',
        '  n2 -->|"call.intention in [A, B] and call.ner_slots.date exists"| n5',
        '  n2 -->|"default"| n6',
        '  n3 --> n4',
        '  n4 --> n6',
        '  n5 --> n6',
        '',
      ].join('\n'),
    );
  });

  it('escapes what would break a label', () => {
    assert.equal(escape('a "b" <c> #d | e\nf'), 'a #quot;b#quot; #lt;c#gt; #35;d #124; e f');
  });
});
