import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Robots as an integrator manages them: listed for tasks, added and versioned through /v1,
// validated whole, private to their app, and run by tasks at the version they name.

describe(`robots (${storeKind})`, () => {
  let server: TestServer;
  let a: ReturnType<typeof client>;
  let b: ReturnType<typeof client>;
  const base = () => structuredClone(builtinRobots().find((r) => r.robot_id === 4496)!.definition);

  before(async () => {
    server = await startTestServer({ config: { timeScale: 1000, recordings: false } });
    const { auth } = server.runtime.services;
    const appA = await auth.createApp({ name: 'robots-a' });
    const appB = await auth.createApp({ name: 'robots-b' });
    a = client(server.url, await tokenFor(server.url, appA.appKey, appA.appSecret));
    b = client(server.url, await tokenFor(server.url, appB.appKey, appB.appSecret));
  });
  after(() => server.close());

  const robotRows = async () =>
    (await server.store.db.query<{ n: number }>('SELECT count(*) AS n FROM robots'))[0]!.n;

  it('lists the built-in robots (six voice, three chat), in English and Indonesian', async () => {
    const r = await a.get('/service/cloud/robot');
    assert.equal(r.status, 200);
    const list = r.json.data.list as Array<{
      robot_id: string;
      business_type: string;
      language: string;
      version: number;
    }>;
    assert.deepEqual(
      list.map((x) => x.robot_id),
      ['4496', '4497', '4498', '4499', '4500', '4501', '4502', '4503', '4504'],
    );
    assert.deepEqual(new Set(list.map((x) => x.language)), new Set(['en', 'id']));
    assert.deepEqual(
      new Set(list.map((x) => x.business_type)),
      new Set(['collection', 'telemarketing', 'info_check']),
    );
  });

  let ownId = '';
  it('adds a robot, and importing the same name again makes version 2', async () => {
    const robot = { ...base(), name: 'My_Collector' };
    const first = await a.post('/v1/robots', robot);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.data.created, true);
    assert.equal(first.json.data.version, 1);
    assert.equal(first.json.data.built_in, false);
    ownId = first.json.data.robot_id;
    assert.ok(Number(ownId) >= 10001);

    robot.nodes.end_ptp = { ...robot.nodes.end_ptp!, say: 'Thanks, noted for {ptp_date}. Bye!' };
    const second = await a.post('/v1/robots', robot);
    assert.equal(second.json.data.created, false);
    assert.equal(second.json.data.robot_id, ownId);
    assert.equal(second.json.data.version, 2);

    const got = await a.get(`/v1/robots/${ownId}`);
    assert.deepEqual(
      got.json.data.versions.map((v: { version: number }) => v.version),
      [1, 2],
    );
    assert.equal(got.json.data.definition.nodes.end_ptp.say, 'Thanks, noted for {ptp_date}. Bye!');
    const listed = await a.get('/service/cloud/robot');
    assert.ok(
      listed.json.data.list.some(
        (x: { robot_id: string; version: number }) => x.robot_id === ownId && x.version === 2,
      ),
    );
  });

  it('refuses an invalid definition whole, naming every problem, and stores nothing', async () => {
    const before = await robotRows();
    const broken = { ...base(), name: 'Broken', start: 'nowhere' } as Record<string, unknown>;
    (broken.nodes as Record<string, { next?: Record<string, string> }>).identity!.next!.yes =
      'missing_node';
    const r = await a.post('/v1/robots', broken);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 400);
    assert.match(r.json.message, /Invalid robot definition/);
    assert.match(r.json.message, /start: no node "nowhere"/);
    assert.match(r.json.message, /nodes\.identity: goes to "missing_node"/);
    const shape = await a.post('/v1/robots', { name: 'x' });
    assert.equal(shape.status, 400);
    assert.match(shape.json.message, /must have required properties/);
    assert.equal(await robotRows(), before);
  });

  it('refuses a misspelt variable and a custom one the robot does not declare', async () => {
    const before = await robotRows();
    const typo = base();
    typo.nodes.identity!.say = 'Hello, this is Hannah from {platfrom_name}.';
    const r = await a.post('/v1/robots', { ...typo, name: 'Typo' });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /nodes\.identity\.say: "\{platfrom_name\}" is not a callee field/);

    const custom = base();
    custom.nodes.end_ptp!.say = 'Thanks[, your agent is {agent_name}]. Bye!';
    const undeclared = await a.post('/v1/robots', { ...custom, name: 'Custom' });
    assert.equal(undeclared.status, 400);
    assert.match(undeclared.json.message, /"\{agent_name\}" is not a callee field/);
    assert.equal(await robotRows(), before);
    const declared = await a.post('/v1/robots', {
      ...custom,
      name: 'Custom',
      variables: { agent_name: 'text' },
    });
    assert.equal(declared.status, 200, declared.text);
  });

  it('refuses an opt-out ending without the line for apps that do not list opt-outs', async () => {
    const robot = base();
    delete (robot.nodes.end_dnc as { say_when_not_listed?: string }).say_when_not_listed;
    const r = await a.post('/v1/robots', { ...robot, name: 'Promising' });
    assert.equal(r.status, 400);
    assert.match(
      r.json.message,
      /nodes\.end_dnc\.say_when_not_listed: required on an Opt_Out end node/,
    );
  });

  it('keeps built-in robots read-only', async () => {
    const r = await a.put('/v1/robots/4496', base());
    assert.equal(r.status, 409);
    assert.match(r.json.message, /Built-in robots cannot be changed/);
  });

  it("keeps an app's robots away from other apps", async () => {
    assert.equal((await b.get(`/v1/robots/${ownId}`)).status, 404);
    assert.equal((await b.put(`/v1/robots/${ownId}`, base())).status, 404);
    const listed = await b.get('/service/cloud/robot');
    assert.ok(!listed.json.data.list.some((x: { robot_id: string }) => x.robot_id === ownId));
    const task = await b.post('/service/cloud/task', {
      task_name: 'stolen_robot',
      robot_id: ownId,
      callees: [{ callee_number: '+6281234567000' }],
    });
    assert.equal(task.status, 404);
    assert.match(task.json.message, /Robot is not found/);
  });

  it('runs a task with the app robot, recording the version each call ran', async () => {
    const created = await a.post('/service/cloud/task', {
      task_name: 'own_robot',
      robot_id: ownId,
      callees: [
        {
          callee_number: '+6281234567000',
          callee_name: 'Sari',
          platform_name: 'X',
          total_owing_amount: '1',
          currency_unit: 'IDR',
          due_date: '2026-12-01',
        },
      ],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    const detail = await waitFor('the call to end', async () => {
      const d = await a.get(`/service/cloud/detail?task_id=${taskId}`);
      return d.json.data.total === 1 ? d : undefined;
    });
    const call = detail.json.data.list[0];
    assert.equal(call.robot_id, ownId);
    assert.equal(call.intention, 'A');
    // The promised date is said as a date, not as the stored 2026-12-04.
    assert.match(
      call.asr_result.at(-1).robottext,
      /^Thanks, noted for ([A-Z][a-z]+day, )?[A-Z][a-z]+ \d{1,2}(st|nd|rd|th)(, \d{4})?\. Bye!$/,
    );
    const [row] = await server.store.db.query<{ robot_version: number }>(
      'SELECT robot_version FROM calls WHERE task_id = $1',
      [taskId],
    );
    assert.equal(row!.robot_version, 2);
  });

  it('lets a contact choose its persona, and verifies info-check answers with the seed fields', async () => {
    const seed = JSON.parse(
      readFileSync(new URL('../fixtures/seed-call-object.json', import.meta.url), 'utf8'),
    );
    const created = await a.post('/service/cloud/task', {
      task_name: 'info_check_and_override',
      robot_id: '4498',
      callees: [
        {
          case_id: 'verify',
          callee_number: '+6281234567000',
          callee_name: 'Sari Dewi',
          extra: [{ Question: 'id_last4', Content: '4321' }],
        },
        // The number says cooperative; the contact asks for a wrong person.
        {
          case_id: 'override',
          callee_number: '+6281234567010',
          extend: { simulation: { persona: 'wrong_person' } },
        },
      ],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    const detail = await waitFor('both calls to end', async () => {
      const d = await a.get(`/service/cloud/detail?task_id=${taskId}`);
      return d.json.data.total === 2 ? d : undefined;
    });
    const byCase = new Map(detail.json.data.list.map((r: { case_id: string }) => [r.case_id, r]));
    const verified = byCase.get('verify') as {
      intention: string;
      question_answer: Array<Record<string, string>>;
    };
    assert.equal(verified.intention, 'A');
    assert.equal(verified.question_answer.length, 2);
    for (const item of verified.question_answer) {
      assert.deepEqual(Object.keys(item).sort(), Object.keys(seed.question_answer[0]).sort());
      assert.equal(item.verification_results, 'Match');
      assert.equal(item.whether_answer, 'Answered');
    }
    assert.equal(verified.question_answer[1]!.var, '4321');
    assert.equal(verified.question_answer[1]!.answer, '4321');
    // Normalised as the spec's "ss02": the name, not "It is Sari Dewi."
    assert.equal(verified.question_answer[0]!.answer, 'sari dewi');
    assert.equal(verified.question_answer[0]!.answer_text, 'It is Sari Dewi.');
    const overridden = byCase.get('override') as {
      intention: string;
      multi_label: Record<string, string>;
    };
    assert.equal(overridden.intention, 'D');
    assert.ok('Wrong_Person' in overridden.multi_label);
  });
});
