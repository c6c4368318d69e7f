import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { errorTable, type ErrorKey } from '../../src/shared/errors.ts';
import { storeKind } from '../helpers/db.ts';
import { waConfig } from '../messaging/harness.ts';
import {
  agentCases,
  agentRowsOfA,
  makeAgentFixture,
  type AgentFixture,
} from './tenant-isolation-agents.ts';
import { makePdsFixture, pdsCases, type PdsFixture } from './tenant-isolation-pds.ts';
import {
  makeWorkflowFixture,
  workflowCases,
  workflowRowsOfA,
  type WorkflowFixture,
} from './tenant-isolation-workflows.ts';
import {
  client,
  readResponse,
  startTestServer,
  tokenFor,
  waitFor,
  type TestServer,
} from '../helpers/server.ts';

// Tenants are isolated (DESIGN.md, Reliability rules), on every route that names a resource.
// App A owns one of everything; app B's token (on the Chatbot/WABA family, B's signing key),
// given A's ids, gets "not found" in the route's family envelope and changes none of A's rows. The routes come from the live OpenAPI document:
// a route (or a new id field on one) without a case below fails the coverage test, so a new
// route cannot be forgotten. test/api/tenancy.test.ts covers the task routes in more depth.

type Client = ReturnType<typeof client>;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- OpenAPI documents and envelopes are any JSON
interface Answer {
  status: number;
  json: Json;
  text: string;
}

/** Fields that name a resource: ids, phone numbers that select a record, idempotency keys. */
const ID_FIELD = /(^|_)id$|^(number|numbers|callee_number|file)$|^idempotency-key$/i;
/** The PDS family's references at the top of a body: camelCase ids and names of A's things. */
const PDS_REF = /^(taskid|callid|fromtask|groupname|agentname)$/i;

const HOUR = 3_600_000;
/** `YYYY-MM-DD HH:MM:SS` in UTC (the apps' zone). */
const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');
const later = (hours: number) => utc(new Date(Date.now() + hours * HOUR));

// Last digit 0: cooperative (answers, so the call has a recording); 6: busy (docs/simulator.md).
const ANSWERS = '+6281234567000';
const BUSY = '+6281234567006';
const WAITING_NUMBERS = ['+6281234567105', '+6281234567115'];
const PLAN_NUMBERS = ['+6281234567205', '+6281234567215'];
const DNC_NUMBER = '+6281234567999';
// Answers (last digit 0), so A's workflow record has a call before its WhatsApp node.
const WORKFLOW_NUMBER = '+6281234567500';

/** The not-found answer of the cloud and /v1 families, with the error table's message. */
function assertNotFound(r: Answer, key: ErrorKey, what: string) {
  assert.equal(r.status, 404, `${what}: ${r.text}`);
  assert.deepEqual(Object.keys(r.json ?? {}).sort(), [
    'code',
    'data',
    'message',
    'request_id',
    'status',
  ]);
  assert.equal(r.json.code, 404, what);
  assert.equal(r.json.status, 'Not Found', what);
  assert.equal(r.json.data, null, what);
  const message = errorTable[key].message;
  assert.ok(
    r.json.message === message || r.json.message.startsWith(`${message}: `),
    `${what}: message ${JSON.stringify(r.json.message)}, expected ${key}`,
  );
}

/** Which fields of a route name a resource, from its OpenAPI operation. */
function idFields(doc: Json, operation: Json): string[] {
  const found = new Set<string>();
  for (const p of operation.parameters ?? []) {
    if (p.in === 'path' || ID_FIELD.test(p.name)) found.add(`${p.in}:${p.name}`);
  }
  const resolve = (schema: Json): Json =>
    schema?.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()]) : schema;
  const walk = (schema: Json, path: string, depth: number) => {
    schema = resolve(schema);
    if (!schema || depth > 8) return;
    for (const [name, child] of Object.entries<Json>(schema.properties ?? {})) {
      const at = path ? `${path}.${name}` : name;
      if (ID_FIELD.test(name) || (path === '' && PDS_REF.test(name))) found.add(`body:${at}`);
      walk(child, at, depth + 1);
    }
    if (schema.items) walk(schema.items, `${path}[]`, depth + 1);
    for (const k of ['anyOf', 'oneOf', 'allOf']) {
      for (const s of schema[k] ?? []) walk(s, path, depth + 1);
    }
  };
  for (const content of Object.values<Json>(operation.requestBody?.content ?? {})) {
    walk(content.schema, '', 0);
  }
  return [...found].sort();
}

interface Fixture {
  a: Client;
  b: Client;
  bToken: string;
  aId: number;
  robotId: string;
  /** A's own workflow template. */
  workflowTemplateId: number;
  strategyId: string;
  bStrategyId: string;
  finishedTaskId: string;
  waitingTaskId: string;
  idempotencyKey: string;
  callId: string;
  planId: string;
  eventId: string;
  bCallLink: string;
  bTaskLink: string;
  robotDefinition: Record<string, unknown>;
  /** A's WhatsApp channel, its approved template and a template send held by quiet hours. */
  waChannel: string;
  waTemplateId: number;
  wabaTaskId: string;
  /** B's own WhatsApp channel. */
  bChannel: string;
  /** B's signing key for the Chatbot/WABA family (/api/v1). */
  bKey: { keyId: string; secret: string };
  /** A's chatbot session on its WhatsApp channel (agent-only: it waits for an agent). */
  sessionId: string;
  sessionUser: string;
  msgId: string;
  /** A's agent and B's own (B needs one of its own to reach past the seat check). */
  aSeat: string;
  bSeat: string;
  /** A's Huawei and bot channels; B's own of each. */
  aHuawei: string;
  aBot: string;
  bHuawei: string;
  bBot: string;
  /** A's signing key id. */
  aKeyId: string;
  /** A's upload, and B's own signed link to one. */
  uploadId: string;
  uploadName: string;
  bFileLink: string;
  /** A's workflow, its record resting on a held WhatsApp node (tenant-isolation-workflows.ts). */
  wf: WorkflowFixture;
  /** A's skill group and dialer agents (tenant-isolation-agents.ts). */
  agents: AgentFixture;
  /** A's PDS task (tenant-isolation-pds.ts). */
  pds: PdsFixture;
}

describe(`tenant isolation on every route with an id (${storeKind})`, () => {
  let server: TestServer;
  let f: Fixture;
  let openapi: Json;

  /** What the route must do for B given A's ids; `fields` are the id fields it exercises. */
  const cases = new Map<string, { fields: string[]; run: () => Promise<void> }>();
  const route = (key: string, fields: string[], run: () => Promise<void>) =>
    cases.set(key, { fields: [...fields].sort(), run });

  /** A's rows, whole, in every table that holds an app's data (B's rows are left out). */
  async function rowsOfA(): Promise<Record<string, unknown[]>> {
    const db = server.store.db;
    const q = (sql: string) => db.query<Record<string, unknown>>(sql, [f.aId]);
    const out: Record<string, unknown[]> = {
      apps: await q('SELECT * FROM apps WHERE id = $1'),
      robots: await q('SELECT * FROM robots WHERE app_id = $1 ORDER BY id'),
      robot_versions: await q(
        'SELECT * FROM robot_versions WHERE robot_id IN (SELECT id FROM robots WHERE app_id = $1) ORDER BY 1, 2',
      ),
      strategies: await q('SELECT * FROM strategies WHERE app_id = $1 ORDER BY id'),
      plans: await q('SELECT * FROM plans WHERE app_id = $1 ORDER BY id'),
      plan_cancellations: await q(
        'SELECT * FROM plan_cancellations WHERE plan_id IN (SELECT id FROM plans WHERE app_id = $1) ORDER BY 1, 2',
      ),
      tasks: await q('SELECT * FROM tasks WHERE app_id = $1 ORDER BY id'),
      callees: await q('SELECT * FROM callees WHERE app_id = $1 ORDER BY id'),
      calls: await q('SELECT * FROM calls WHERE app_id = $1 ORDER BY id'),
      recordings: await q('SELECT * FROM recordings WHERE app_id = $1 ORDER BY call_id'),
      webhook_events: await q('SELECT * FROM webhook_events WHERE app_id = $1 ORDER BY id'),
      webhook_deliveries: await q('SELECT * FROM webhook_deliveries WHERE app_id = $1 ORDER BY id'),
      dnc_numbers: await q('SELECT * FROM dnc_numbers WHERE app_id = $1 ORDER BY number'),
      messaging_channels: await q('SELECT * FROM messaging_channels WHERE app_id = $1 ORDER BY id'),
      messaging_templates: await q(
        'SELECT * FROM messaging_templates WHERE app_id = $1 ORDER BY id',
      ),
      message_batches: await q('SELECT * FROM message_batches WHERE app_id = $1 ORDER BY id'),
      messages: await q('SELECT * FROM messages WHERE app_id = $1 ORDER BY id'),
      messaging_windows: await q(
        'SELECT * FROM messaging_windows WHERE channel_pk IN (SELECT id FROM messaging_channels WHERE app_id = $1) ORDER BY 1, 2',
      ),
      chat_sessions: await q('SELECT * FROM chat_sessions WHERE app_id = $1 ORDER BY id'),
      chat_messages: await q('SELECT * FROM chat_messages WHERE app_id = $1 ORDER BY id'),
      chat_agents: await q('SELECT * FROM chat_agents WHERE app_id = $1 ORDER BY seat_id'),
      chat_bot_channels: await q(
        'SELECT * FROM chat_bot_channels WHERE app_id = $1 ORDER BY kind, channel_id',
      ),
      signing_keys: await q('SELECT * FROM signing_keys WHERE app_id = $1 ORDER BY key_id'),
      uploads: await q('SELECT * FROM uploads WHERE app_id = $1 ORDER BY id'),
      workflow_templates: await q('SELECT * FROM workflow_templates WHERE app_id = $1 ORDER BY id'),
      ...(await workflowRowsOfA(db, f.aId)),
      ...(await agentRowsOfA(db, f.aId)),
    };
    // Jobs carry no app id: keep those that name one of A's tasks, plans or sessions.
    const ids = [
      f.finishedTaskId,
      f.waitingTaskId,
      f.planId,
      f.sessionId,
      f.wf.workflowId,
      f.wf.callTaskId,
      f.wf.wabaTaskId,
    ];
    out.jobs = (await db.query<Record<string, unknown>>('SELECT * FROM jobs ORDER BY id')).filter(
      (job) => ids.some((id) => JSON.stringify(job.payload).includes(id)),
    );
    return JSON.parse(JSON.stringify(out));
  }

  /** Runs one route's case and checks that none of A's rows changed. */
  async function unchanged(run: () => Promise<void>) {
    const before = await rowsOfA();
    await run();
    assert.deepEqual(await rowsOfA(), before, "A's rows are unchanged");
  }

  before(async () => {
    server = await startTestServer();
    const { auth } = server.runtime.services;
    const appA = await auth.createApp({ name: 'isolation-a' });
    const appB = await auth.createApp({ name: 'isolation-b' });
    const a = client(server.url, await tokenFor(server.url, appA.appKey, appA.appSecret));
    const bToken = await tokenFor(server.url, appB.appKey, appB.appSecret);
    const b = client(server.url, bToken);
    const ok = (r: Answer, what: string) => {
      assert.equal(r.status, 200, `${what}: ${r.text}`);
      return r.json.data;
    };
    openapi = (await client(server.url).get('/openapi.json')).json;

    // A's own robot: a copy of a built-in one under another name.
    const builtIn = ok(await a.get('/v1/robots/4496'), 'built-in robot');
    const robotDefinition = { ...builtIn.definition, name: 'A_private_robot' };
    const robotId = ok(await a.post('/v1/robots', robotDefinition), 'robot').robot_id;
    const workflowTemplateId = ok(
      await a.post('/v1/workflow-templates', {
        name: 'a_private_template',
        nodes: [
          { id: 'start', type: 'start', next: 'call' },
          { id: 'call', type: 'call', robot_id: robotId, next: 'done' },
          { id: 'done', type: 'end' },
        ],
      }),
      'workflow template',
    ).workflow_template_id;
    const strategyId = ok(
      await a.post('/v1/strategies', { name: 'a_strategy', rounds: [{ robot_id: robotId }, {}] }),
      'strategy',
    ).strategy_id;
    const bStrategyId = ok(
      await b.post('/v1/strategies', { name: 'b_strategy', rounds: [{ robot_id: '4496' }] }),
      'B strategy',
    ).strategy_id;

    // A task that runs to its end (calls, a recording, webhook events) ...
    const finishedTaskId = ok(
      await a.post('/service/cloud/task', {
        task_name: 'a_finished',
        robot_id: robotId,
        callees: [
          { case_id: 'a-answers', callee_number: ANSWERS },
          { case_id: 'a-busy', callee_number: BUSY },
        ],
      }),
      'finished task',
    ).task_id;
    // ... one waiting an hour for its start, so a stop or a cancel would show ...
    const idempotencyKey = 'a-idempotency-key-1';
    const waitingTaskId = ok(
      await a.post(
        '/service/cloud/task',
        {
          task_name: 'a_waiting',
          robot_id: '4496',
          start_time: later(1),
          end_time: later(2),
          callees: WAITING_NUMBERS.map((n, i) => ({ case_id: `a-wait-${i}`, callee_number: n })),
        },
        { 'idempotency-key': idempotencyKey },
      ),
      'waiting task',
    ).task_id;
    // ... a plan whose first round waits too, and a number on A's do-not-call list.
    const planId = ok(
      await a.post('/service/cloud/plan', {
        plan_name: 'a_plan',
        strategy_id: strategyId,
        start_time: later(1),
        end_time: later(3),
        callees: PLAN_NUMBERS.map((n, i) => ({ case_id: `a-plan-${i}`, callee_number: n })),
      }),
      'plan',
    ).plan_id;
    ok(await a.post('/v1/dnc', { numbers: [DNC_NUMBER], reason: 'A asked' }), 'dnc');

    // B's own recording links, to swap A's ids into.
    const bTaskId = ok(
      await b.post('/service/cloud/task', {
        task_name: 'b_task',
        robot_id: '4496',
        callees: [{ case_id: 'b-0', callee_number: ANSWERS }],
      }),
      'B task',
    ).task_id;

    const finished = async (client_: Client, taskId: string) =>
      (await client_.get(`/service/cloud/detail?task_id=${taskId}`)).json?.data?.task_status ===
        'Finished' || undefined;
    await waitFor("A's task to finish", () => finished(a, finishedTaskId));
    await waitFor("B's task to finish", () => finished(b, bTaskId));
    const detail = ok(await a.get(`/service/cloud/detail?task_id=${finishedTaskId}`), 'detail');
    const callId = detail.list.find((c: { callee_number: string }) => c.callee_number === ANSWERS)
      .call_id as string;
    const bCase = ok(
      await b.get(`/service/cloud/case?task_id=${bTaskId}&callee_number=${ANSWERS}`),
      'B case',
    );
    const bCallLink = bCase.list[0].recording_url as string;
    const bTaskLink = ok(await b.get(`/service/cloud/recording?task_id=${bTaskId}`), 'B archive')
      .url as string;

    // A has no webhook URL: its events are parked as failed, after which nothing moves.
    const eventId = await waitFor("A's events to be parked", async () => {
      const rows = await server.store.db.query<{ id: string; type: string; status: string }>(
        'SELECT id, type, status FROM webhook_events WHERE app_id = $1',
        [appA.app.id],
      );
      const settled = rows.length === 3 && rows.every((r) => r.status === 'failed');
      return settled ? rows.find((r) => r.type === 'call')!.id : undefined;
    });

    // A's WhatsApp channel with quiet hours now (a window two hours ahead, in Jakarta where
    // the number is): its template send is held, so nothing of it moves during the cases.
    const { messaging } = server.runtime.services;
    const jakartaHour = (new Date().getUTCHours() + 7) % 24;
    const opens = (jakartaHour + 2) % 24;
    const hh = (n: number) => String(n).padStart(2, '0');
    await messaging.createChannel(appA.app.id, {
      channelId: 'a-wa',
      kind: 'whatsapp',
      name: 'A WhatsApp',
      phoneNumber: '+6583753709',
      config: waConfig('pn-iso-a'),
      sendWindow: [
        { days: [1, 2, 3, 4, 5, 6, 7], start: `${hh(opens)}:00`, end: `${hh(opens + 1)}:00` },
      ],
    });
    const waTemplateId = (
      await messaging.createTemplate(appA.app.id, 'a-wa', {
        name: 'a_template',
        language: 'en',
        category: 'UTILITY',
        status: 'APPROVED',
        content: { body: 'Hello {{1}}' },
      })
    ).id;
    const { wabaTaskId } = await messaging.sendTemplates(appA.app.id, {
      channelId: 'a-wa',
      templateId: waTemplateId,
      users: [{ id: '6281234567301', variables: { '1': 'a' } }],
    });
    await waitFor("A's template send to be held", async () => {
      const [m] = await server.store.db.query<{ status: string; next_attempt_at: Date }>(
        'SELECT status, next_attempt_at FROM messages WHERE batch_id = $1',
        [wabaTaskId],
      );
      return m?.status === 'queued' && m.next_attempt_at.getTime() > Date.now() + 30 * 60_000
        ? true
        : undefined;
    });
    await messaging.createChannel(appB.app.id, {
      channelId: 'b-wa',
      kind: 'whatsapp',
      name: 'B WhatsApp',
      phoneNumber: '+6583753710',
      config: waConfig('pn-iso-b'),
    });

    // The Chatbot family's fixtures. A's session waits for an agent (A's channel has no robot);
    // its §9.1 transfer request is parked like A's other events, so nothing of it moves.
    const { chatbot, botChannels, uploads } = server.runtime.services;
    const sessionUser = '6281234567401';
    const { sessionId } = await chatbot.receive({
      appId: appA.app.id,
      channel: 'WhatsApp',
      channelId: 'a-wa',
      userId: sessionUser,
      content: { type: 'text', text: 'hi' },
      sessionId: 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
    });
    await waitFor("A's session events to be parked", async () => {
      const rows = await server.store.db.query<{ status: string }>(
        'SELECT status FROM webhook_events WHERE app_id = $1',
        [appA.app.id],
      );
      return rows.length > 3 && rows.every((r) => r.status === 'failed') ? true : undefined;
    });
    const [{ id: msgId } = { id: '' }] = await server.store.db.query<{ id: string }>(
      "SELECT id FROM chat_messages WHERE session_id = $1 AND sender_type = 'user'",
      [sessionId],
    );
    assert.ok(msgId, "A's user message is stored");
    ok(await a.put('/v1/inbox/agents', { seat_id: 'a-seat', name: 'A agent' }), 'A agent');
    ok(await b.put('/v1/inbox/agents', { seat_id: 'b-seat', name: 'B agent' }), 'B agent');
    const callbackUrl = 'http://127.0.0.1:9/unused';
    await botChannels.register(appA.app.id, 'huawei', 'a-hw', { callbackUrl });
    await botChannels.register(appA.app.id, 'bot', 'a-bot', { callbackUrl, robotId });
    await botChannels.register(appB.app.id, 'huawei', 'b-hw', { callbackUrl });
    await botChannels.register(appB.app.id, 'bot', 'b-bot', { callbackUrl });
    const aKey = await auth.signingKeys.create(appA.app.id, {});
    const bKey = await auth.signingKeys.create(appB.app.id, {});
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const aUpload = await uploads.upload(appA.app.id, { bytes: png, name: 'a-private.png' });
    const bUpload = await uploads.upload(appB.app.id, { bytes: png, name: 'b-own.png' });
    const wf = await makeWorkflowFixture(a, {
      robotId,
      channelId: 'a-wa',
      waTemplateId,
      callee: WORKFLOW_NUMBER,
    });

    const agents = await makeAgentFixture(server.runtime.services, appA.app.id);
    const pds = await makePdsFixture(
      server.runtime.services,
      { a: appA.app.id, b: appB.app.id },
      { name: 'a_group', agentNames: ['a_ready'] },
    );

    f = {
      wf,
      agents,
      pds,
      waChannel: 'a-wa',
      waTemplateId,
      wabaTaskId,
      bChannel: 'b-wa',
      bKey: { keyId: bKey.key.keyId, secret: bKey.secret },
      sessionId,
      sessionUser,
      msgId,
      aSeat: 'a-seat',
      bSeat: 'b-seat',
      aHuawei: 'a-hw',
      aBot: 'a-bot',
      bHuawei: 'b-hw',
      bBot: 'b-bot',
      aKeyId: aKey.key.keyId,
      uploadId: aUpload.id,
      uploadName: aUpload.name,
      bFileLink: bUpload.originUrl,
      a,
      b,
      bToken,
      aId: appA.app.id,
      robotId,
      workflowTemplateId,
      strategyId,
      bStrategyId,
      finishedTaskId,
      waitingTaskId,
      idempotencyKey,
      callId,
      planId,
      eventId,
      bCallLink,
      bTaskLink,
      robotDefinition,
    };
  });

  after(async () => {
    await server?.close();
  });

  // ---- The cases, one per route with an id field. ----

  route(
    'POST /service/cloud/task',
    [
      'body:callees[].callee_number',
      'body:callees[].case_id',
      'body:robot_id',
      'header:idempotency-key',
    ],
    async () => {
      const body = (name: string, robotId: string) => ({
        task_name: name,
        robot_id: robotId,
        start_time: later(1),
        end_time: later(2),
        callees: WAITING_NUMBERS.map((n, i) => ({ case_id: `a-wait-${i}`, callee_number: n })),
      });
      assertNotFound(
        await f.b.post('/service/cloud/task', body('b_a_robot', f.robotId)),
        'robot_not_found',
        "A's robot",
      );
      // A's idempotency key, case ids and numbers name nothing of A's for B: B gets a task of its own.
      const own = await f.b.post('/service/cloud/task', body('b_same_key', '4496'), {
        'idempotency-key': f.idempotencyKey,
      });
      assert.equal(own.status, 200, own.text);
      assert.notEqual(own.json.data.task_id, f.waitingTaskId);
      assert.notEqual(own.json.data.task_id, f.finishedTaskId);
    },
  );

  route('GET /service/cloud/list', ['query:plan_id'], async () => {
    // A filter, not a lookup: B's own tasks of that plan, which are none.
    const r = await f.b.get(`/service/cloud/list?plan_id=${f.planId}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 0);
    assert.deepEqual(r.json.data.list, []);
  });

  route('POST /service/cloud/operation', ['body:task_id'], async () => {
    for (const taskId of [f.waitingTaskId, f.finishedTaskId]) {
      const r = await f.b.post('/service/cloud/operation', { task_id: taskId, operation: 'stop' });
      assertNotFound(r, 'task_not_found', 'stop');
    }
  });

  route(
    'POST /service/cloud/cancelphonecall',
    ['body:callee_number', 'body:case_id', 'body:task_id'],
    async () => {
      for (const body of [
        { task_id: f.waitingTaskId, callee_number: WAITING_NUMBERS[0] },
        { task_id: f.waitingTaskId, case_id: 'a-wait-1' },
      ]) {
        assertNotFound(
          await f.b.post('/service/cloud/cancelphonecall', body),
          'task_not_found',
          JSON.stringify(body),
        );
      }
    },
  );

  route('GET /service/cloud/detail', ['query:task_id'], async () => {
    const r = await f.b.get(`/service/cloud/detail?task_id=${f.finishedTaskId}`);
    assertNotFound(r, 'task_not_found', 'detail');
    assert.equal(r.text.includes(ANSWERS), false, "no number of A's leaks");
  });

  route('GET /service/cloud/callinfo', ['query:call_id'], async () => {
    assertNotFound(
      await f.b.get(`/service/cloud/callinfo?call_id=${f.callId}`),
      'call_not_found',
      'callinfo',
    );
  });

  route(
    'GET /service/cloud/case',
    ['query:callee_number', 'query:case_id', 'query:task_id'],
    async () => {
      for (const query of [`callee_number=${encodeURIComponent(ANSWERS)}`, 'case_id=a-answers']) {
        const r = await f.b.get(`/service/cloud/case?task_id=${f.finishedTaskId}&${query}`);
        assertNotFound(r, 'task_not_found', `case ${query}`);
      }
    },
  );

  route('GET /service/cloud/recording', ['query:task_id'], async () => {
    assertNotFound(
      await f.b.get(`/service/cloud/recording?task_id=${f.finishedTaskId}`),
      'task_not_found',
      'recording',
    );
  });

  const planBody = (strategyId: string, robotId?: string) => ({
    plan_name: `b_plan_${strategyId}_${robotId ?? ''}`,
    strategy_id: strategyId,
    ...(robotId ? { robot_id: robotId } : {}),
    start_time: later(1),
    end_time: later(3),
    callees: PLAN_NUMBERS.map((n, i) => ({ case_id: `a-plan-${i}`, callee_number: n })),
  });
  const planFields = [
    'body:callees[].callee_number',
    'body:callees[].case_id',
    'body:robot_id',
    'body:strategy_id',
  ];

  route('POST /service/cloud/plan', planFields, async () => {
    assertNotFound(
      await f.b.post('/service/cloud/plan', planBody(f.strategyId)),
      'strategy_not_found',
      "A's strategy",
    );
    assertNotFound(
      await f.b.post('/service/cloud/plan', planBody(f.bStrategyId, f.robotId)),
      'robot_not_found',
      "A's robot",
    );
    // A's case ids and numbers in B's own plan: B's plan, A's untouched.
    const own = await f.b.post('/service/cloud/plan', planBody(f.bStrategyId));
    assert.equal(own.status, 200, own.text);
    assert.notEqual(own.json.data.plan_id, f.planId);
  });

  route('POST /service/cloud/plan/dryrun', planFields, async () => {
    assertNotFound(
      await f.b.post('/service/cloud/plan/dryrun', planBody(f.strategyId)),
      'strategy_not_found',
      "A's strategy",
    );
    assertNotFound(
      await f.b.post('/service/cloud/plan/dryrun', planBody(f.bStrategyId, f.robotId)),
      'robot_not_found',
      "A's robot",
    );
    // A's numbers are active in A's plan and A lists one as do-not-call: B's forecast sees neither.
    const body = {
      ...planBody(f.bStrategyId),
      plan_name: undefined, // B's plan above took the name; a dry run needs none
      callees: [...PLAN_NUMBERS, ...WAITING_NUMBERS, DNC_NUMBER].map((n) => ({ callee_number: n })),
    };
    const r = await f.b.post('/service/cloud/plan/dryrun', body);
    assert.equal(r.status, 200, r.text);
    const [first] = r.json.data.rounds;
    assert.deepEqual(
      { active_elsewhere: first.skipped.active_elsewhere, dnc: first.skipped.dnc },
      { active_elsewhere: 0, dnc: 0 },
      `nothing of A's counts in B's forecast: ${r.text}`,
    );
  });

  route('GET /service/cloud/plan/status', ['query:plan_id'], async () => {
    assertNotFound(
      await f.b.get(`/service/cloud/plan/status?plan_id=${f.planId}`),
      'plan_not_found',
      'status',
    );
  });

  route('GET /service/cloud/plan/rounds', ['query:plan_id'], async () => {
    assertNotFound(
      await f.b.get(`/service/cloud/plan/rounds?plan_id=${f.planId}`),
      'plan_not_found',
      'rounds',
    );
  });

  route('POST /service/cloud/plan/operation', ['body:plan_id'], async () => {
    const r = await f.b.post('/service/cloud/plan/operation', {
      plan_id: f.planId,
      operation: 'stop',
    });
    assertNotFound(r, 'plan_not_found', 'plan stop');
  });

  route(
    'POST /service/cloud/plan/cancelphonecall',
    ['body:callee_number', 'body:case_id', 'body:plan_id'],
    async () => {
      for (const body of [
        { plan_id: f.planId, callee_number: PLAN_NUMBERS[0] },
        { plan_id: f.planId, case_id: 'a-plan-1' },
      ]) {
        assertNotFound(
          await f.b.post('/service/cloud/plan/cancelphonecall', body),
          'plan_not_found',
          JSON.stringify(body),
        );
      }
    },
  );

  route(
    'GET /service/cloud/plan/recordings',
    ['query:callee_number', 'query:case_id', 'query:plan_id'],
    async () => {
      for (const query of [
        `callee_number=${encodeURIComponent(PLAN_NUMBERS[0]!)}`,
        'case_id=a-plan-0',
      ]) {
        const r = await f.b.get(`/service/cloud/plan/recordings?plan_id=${f.planId}&${query}`);
        assertNotFound(r, 'plan_not_found', `plan recordings ${query}`);
      }
    },
  );

  route('GET /v1/webhooks/events/{id}/deliveries', ['path:id'], async () => {
    assertNotFound(
      await f.b.get(`/v1/webhooks/events/${f.eventId}/deliveries`),
      'event_not_found',
      'deliveries',
    );
  });

  route('POST /v1/webhooks/events/{id}/resend', ['path:id'], async () => {
    assertNotFound(
      await f.b.post(`/v1/webhooks/events/${f.eventId}/resend`),
      'event_not_found',
      'resend',
    );
  });

  route('GET /v1/robots/{id}', ['path:id'], async () => {
    assertNotFound(await f.b.get(`/v1/robots/${f.robotId}`), 'robot_not_found', 'robot');
  });

  route('GET /v1/workflow-templates/{id}', ['path:id'], async () => {
    assertNotFound(
      await f.b.get(`/v1/workflow-templates/${f.workflowTemplateId}`),
      'workflow_template_not_found',
      'workflow template',
    );
  });

  route('PUT /v1/robots/{id}', ['path:id'], async () => {
    // A valid definition, so only the owner check can refuse it.
    const r = await f.b.put(`/v1/robots/${f.robotId}`, {
      ...f.robotDefinition,
      name: 'B_takeover',
    });
    assertNotFound(r, 'robot_not_found', 'robot update');
  });

  route('POST /v1/strategies', ['body:rounds[].robot_id'], async () => {
    const r = await f.b.post('/v1/strategies', {
      name: 'b_with_a_robot',
      rounds: [{ robot_id: f.robotId }],
    });
    assertNotFound(r, 'robot_not_found', 'strategy round robot');
  });

  route('POST /v1/dnc', ['body:numbers'], async () => {
    // B listing a number A listed is B's own entry; taking it off again leaves A's.
    const added = await f.b.post('/v1/dnc', { numbers: [DNC_NUMBER] });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.json.data.added, [DNC_NUMBER], 'new to B, whatever A listed');
    const removed = await asB('DELETE', `/v1/dnc/${encodeURIComponent(DNC_NUMBER)}`);
    assert.equal(removed.status, 200, removed.text);
  });

  route('DELETE /v1/dnc/{number}', ['path:number'], async () => {
    const r = await asB('DELETE', `/v1/dnc/${encodeURIComponent(DNC_NUMBER)}`);
    assertNotFound(r, 'dnc_not_listed', 'dnc delete');
  });

  // The signed links take no token: the signature over the file name is the credential. B's
  // valid link with A's file name swapped in opens nothing.
  const swapped = async (link: string, ownId: string, otherId: string) => {
    const url = new URL(link);
    const r = await readResponse(
      await fetch(server.url + url.pathname.replace(ownId, otherId) + url.search),
    );
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json?.message, 'Invalid or expired link');
    assert.equal(r.json?.data, null);
  };

  route('GET /recordings/{file}', ['path:file'], async () => {
    const own = new URL(f.bCallLink).pathname.match(/([0-9a-f]{32})\.wav$/)![1]!;
    await swapped(f.bCallLink, own, f.callId);
  });

  route('GET /recordings/task/{file}', ['path:file'], async () => {
    const own = new URL(f.bTaskLink).pathname.match(/([0-9a-f]{32})\.zip$/)![1]!;
    await swapped(f.bTaskLink, own, f.finishedTaskId);
  });

  // ---- Messaging: /v1 administration and the Chatbot/WABA family (/api/v1, signed). ----

  /**
   * B's request to the Chatbot/WABA family on the real server, signed with B's key over the body
   * bytes as sent (X-AIRudder-Sign-Key, X-AIRudder-Sign; no timestamp: the spec's default).
   */
  const wabaAsB = async (path: string, body: object): Promise<Answer> => {
    const raw = JSON.stringify(body);
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-airudder-sign-key': f.bKey.keyId,
        'x-airudder-sign': createHmac('sha256', f.bKey.secret).update(raw).digest('hex'),
      },
      body: raw,
    });
    return readResponse(response);
  };
  /** A business error of the Chatbot family: HTTP 200, the error's status in the envelope's code. */
  const wabaRefused = (r: Answer, key: ErrorKey, what: string) => {
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    assert.deepEqual(Object.keys(r.json ?? {}).sort(), ['code', 'data', 'message', 'request_id']);
    assert.equal(r.json.code, errorTable[key].http, `${what}: ${r.text}`);
    assert.equal(r.json.data, null, what);
    assert.ok(r.json.message.startsWith(errorTable[key].message), `${what}: ${r.json.message}`);
  };

  route('POST /v1/messaging/channels', ['body:channel_id', 'body:default_robot_id'], async () => {
    const withRobot = await f.b.post('/v1/messaging/channels', {
      channel_id: 'b-other',
      kind: 'simulated',
      name: 'B',
      phone_number: '+6583753711',
      default_robot_id: f.robotId,
    });
    assertNotFound(withRobot, 'robot_not_found', "channel with A's robot");
    // B's list holds B's channel only.
    const listed = await f.b.get('/v1/messaging/channels');
    assert.deepEqual(
      listed.json.data.map((c: { channel_id: string }) => c.channel_id),
      [f.bChannel],
    );
  });

  route(
    'PATCH /v1/messaging/channels/{channelId}',
    ['body:default_robot_id', 'path:channelId'],
    async () => {
      const patch = (channel: string, body: object) =>
        fetch(`${server.url}/v1/messaging/channels/${channel}`, {
          method: 'PATCH',
          headers: { authorization: `Token ${f.bToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(readResponse);
      assertNotFound(await patch(f.waChannel, { name: 'taken' }), 'channel_not_found', 'patch');
      assertNotFound(
        await patch(f.bChannel, { default_robot_id: f.robotId }),
        'robot_not_found',
        "patch with A's robot",
      );
    },
  );

  route('GET /v1/messaging/channels/{channelId}/templates', ['path:channelId'], async () => {
    const r = await f.b.get(`/v1/messaging/channels/${f.waChannel}/templates`);
    assertNotFound(r, 'channel_not_found', 'templates');
  });

  route('POST /v1/messaging/channels/{channelId}/templates', ['path:channelId'], async () => {
    const r = await f.b.post(`/v1/messaging/channels/${f.waChannel}/templates`, {
      name: 'b_into_a',
      language: 'en',
      category: 'UTILITY',
      content: { body: 'x' },
    });
    assertNotFound(r, 'channel_not_found', 'template into A');
  });

  route(
    'PUT /v1/messaging/channels/{channelId}/templates/{templateId}/status',
    ['path:channelId', 'path:templateId'],
    async () => {
      const path = (channel: string) =>
        `/v1/messaging/channels/${channel}/templates/${f.waTemplateId}/status`;
      assertNotFound(
        await f.b.put(path(f.waChannel), { status: 'DISABLED' }),
        'channel_not_found',
        "A's channel",
      );
      assertNotFound(
        await f.b.put(path(f.bChannel), { status: 'DISABLED' }),
        'template_not_found',
        "A's template under B's channel",
      );
    },
  );

  route('POST /api/v1/waba/templates', ['body:channel_id'], async () => {
    wabaRefused(
      await wabaAsB('/waba/templates', { channel_id: f.waChannel }),
      'channel_not_found',
      'templates',
    );
  });

  route('POST /api/v1/waba/template/detail', ['body:channel_id', 'body:template_id'], async () => {
    const ask = (channel: string) =>
      wabaAsB('/waba/template/detail', { channel_id: channel, template_id: f.waTemplateId });
    wabaRefused(await ask(f.waChannel), 'channel_not_found', "A's channel");
    wabaRefused(await ask(f.bChannel), 'template_not_found', "A's template under B's channel");
  });

  const sendCases = (path: string, users: (id: string) => object) => async () => {
    const body = (channel: string, robot?: string) => ({
      channel_id: channel,
      template_id: f.waTemplateId,
      ...(robot ? { robot_id: robot } : {}),
      ...users('6281234567301'),
    });
    wabaRefused(await wabaAsB(path, body(f.waChannel)), 'channel_not_found', "A's channel");
    wabaRefused(
      await wabaAsB(path, body(f.bChannel)),
      'template_not_found',
      "A's template under B's channel",
    );
    wabaRefused(
      await wabaAsB(path, body(f.bChannel, f.robotId)),
      'template_not_found',
      "A's robot and template",
    );
  };

  route(
    'POST /api/v1/waba/template/send',
    ['body:channel_id', 'body:robot_id', 'body:template_id', 'body:users[].id'],
    sendCases('/waba/template/send', (id) => ({ users: [{ id, variables: { '1': 'b' } }] })),
  );

  route(
    'POST /api/v1/waba/template/send/single',
    ['body:channel_id', 'body:robot_id', 'body:template_id', 'body:user.id'],
    sendCases('/waba/template/send/single', (id) => ({ user: { id }, variables: { '1': 'b' } })),
  );

  route('POST /api/v1/waba/template/send/result', ['body:waba_task_id'], async () => {
    const r = await wabaAsB('/waba/template/send/result', { waba_task_id: f.wabaTaskId });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200, r.text);
    assert.deepEqual(r.json.data, [], "nothing of A's task");
  });

  // ---- Chatbot sessions (/api/v1/session/*): A's call_id is no session of B's. ----

  /** The address of A's session (channel, channel_id, user), as A's integrator would send it. */
  const aSession = () => ({
    call_id: f.sessionId,
    channel: 'WhatsApp',
    channel_id: f.waChannel,
    user: { id: f.sessionUser },
  });
  const sessionFields = ['body:call_id', 'body:channel_id', 'body:seat_id', 'body:user.id'];

  route('POST /api/v1/session/transfer/result', sessionFields, async () => {
    for (const seat of [f.aSeat, f.bSeat]) {
      const r = await wabaAsB('/session/transfer/result', {
        ...aSession(),
        result: 'success',
        seat_id: seat,
      });
      wabaRefused(r, 'session_not_found', `transfer to ${seat}`);
    }
  });

  route(
    'POST /api/v1/session/list',
    ['body:channel_id', 'body:last_call_id', 'body:user_id'],
    async () => {
      const listed = await wabaAsB('/session/list', {
        channel_id: f.waChannel,
        user_id: f.sessionUser,
      });
      assert.equal(listed.json?.code, 200, listed.text);
      assert.deepEqual(listed.json.data, [], "B's list holds nothing of A's channel and user");
      wabaRefused(
        await wabaAsB('/session/list', { last_call_id: f.sessionId }),
        'session_not_found',
        "A's session as B's cursor",
      );
    },
  );

  route('POST /api/v1/session/messages', ['body:call_id', 'body:last_msg_id'], async () => {
    for (const body of [{ call_id: f.sessionId }, { call_id: f.sessionId, last_msg_id: f.msgId }])
      wabaRefused(
        await wabaAsB('/session/messages', body),
        'session_not_found',
        JSON.stringify(body),
      );
  });

  route('POST /api/v1/session/message/read', ['body:call_id'], async () => {
    for (const body of [{ call_id: f.sessionId }, { call_id: f.sessionId, msg_ids: [f.msgId] }])
      wabaRefused(
        await wabaAsB('/session/message/read', body),
        'session_not_found',
        JSON.stringify(body),
      );
  });

  route('POST /api/v1/session/message/send', sessionFields, async () => {
    for (const seat of [f.aSeat, f.bSeat]) {
      const r = await wabaAsB('/session/message/send', {
        ...aSession(),
        sender_type: 'agent',
        seat_id: seat,
        messages: [{ type: 'text', text: 'B writes to A’s user' }],
      });
      wabaRefused(r, 'session_not_found', `send as ${seat}`);
    }
  });

  route('POST /api/v1/session/close', sessionFields, async () => {
    const r = await wabaAsB('/session/close', { ...aSession(), seat_id: f.aSeat });
    wabaRefused(r, 'session_not_found', 'close');
  });

  route('POST /api/v1/session/reopen', sessionFields, async () => {
    const r = await wabaAsB('/session/reopen', { ...aSession(), seat_id: f.aSeat });
    wabaRefused(r, 'session_not_found', 'reopen');
  });

  // ---- Huawei and bot channels (/api/v1/channel/*): A's channel ids and call ids. ----

  /** A §6.1 / §7.1 message body: a text and a choice naming an option id of A's. */
  const channelMessage = (channelId: string, callId: string) => ({
    call_id: callId,
    channel_id: channelId,
    user: { id: f.sessionUser },
    messages: [
      { type: 'text', text: 'B writes as A’s user' },
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'a-option', title: 'Yes' } },
      },
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'a-option', title: 'Yes' } },
      },
    ],
  });
  const channelFields = [
    'body:call_id',
    'body:channel_id',
    'body:messages[].interactive.button_reply.id',
    'body:messages[].interactive.list_reply.id',
    'body:user.id',
  ];
  /**
   * B's own channel with A's call_id: session ids are one namespace for every app (a channel
   * brings its own), so B is refused a session id that is taken rather than given A's session.
   */
  const takenSessionId = (r: Answer, what: string) => {
    wabaRefused(r, 'bad_request', what);
    assert.match(r.json.message, /already in use/, what);
  };

  route('POST /api/v1/channel/huawei/message', channelFields, async () => {
    const send = (channelId: string) =>
      wabaAsB('/channel/huawei/message', {
        ...channelMessage(channelId, f.sessionId),
        channel: 'HuaWei',
      });
    wabaRefused(await send(f.aHuawei), 'channel_not_found', "A's Huawei channel");
    takenSessionId(await send(f.bHuawei), "A's call_id on B's Huawei channel");
  });

  route(
    'POST /api/v1/channel/huawei/transfer/result',
    ['body:call_id', 'body:channel_id', 'body:seat_id', 'body:user.id'],
    async () => {
      const send = (channelId: string) =>
        wabaAsB('/channel/huawei/transfer/result', {
          call_id: f.sessionId,
          channel: 'HuaWei',
          channel_id: channelId,
          user: { id: f.sessionUser },
          result: 'success',
          seat_id: f.aSeat,
        });
      wabaRefused(await send(f.aHuawei), 'channel_not_found', "A's Huawei channel");
      wabaRefused(await send(f.bHuawei), 'session_not_found', "A's call_id on B's channel");
    },
  );

  route('POST /api/v1/channel/bot/message', [...channelFields, 'body:robot_id'], async () => {
    const send = (channelId: string, robotId?: string) =>
      wabaAsB('/channel/bot/message', {
        ...channelMessage(channelId, robotId ? 'b-own-session-1' : f.sessionId),
        channel: 'bot',
        ...(robotId ? { robot_id: robotId } : {}),
      });
    wabaRefused(await send(f.aBot), 'channel_not_found', "A's bot channel");
    wabaRefused(await send(f.bBot, f.robotId), 'robot_not_found', "A's robot on B's channel");
    takenSessionId(await send(f.bBot), "A's call_id on B's bot channel");
  });

  // ---- /v1 administration of the chatbot: agents, conversations, bot channels, keys. ----

  route('PUT /v1/inbox/agents', ['body:seat_id'], async () => {
    // A seat id is the app's own name for its agent: B's "a-seat" is B's, A's stays A's.
    const put = await f.b.put('/v1/inbox/agents', { seat_id: f.aSeat, name: 'B takes the name' });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.data.created, true, "new to B, whatever A's agents are");
    const removed = await asB('DELETE', `/v1/inbox/agents/${f.aSeat}`);
    assert.equal(removed.status, 200, removed.text);
  });

  route('DELETE /v1/inbox/agents/{seatId}', ['path:seatId'], async () => {
    assertNotFound(await asB('DELETE', `/v1/inbox/agents/${f.aSeat}`), 'not_found', 'agent');
  });

  route('GET /v1/inbox/conversations', ['query:channel_id'], async () => {
    const r = await f.b.get(`/v1/inbox/conversations?channel_id=${f.waChannel}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 0, r.text);
    assert.deepEqual(r.json.data.list, [], "nothing of A's channel");
  });

  route('GET /v1/inbox/conversations/{callId}', ['path:callId', 'query:last_msg_id'], async () => {
    for (const query of ['', `?last_msg_id=${f.msgId}`]) {
      const r = await f.b.get(`/v1/inbox/conversations/${f.sessionId}${query}`);
      assertNotFound(r, 'session_not_found', `conversation${query}`);
    }
  });

  /** B acting on A's conversation: as A's agent (unknown to B), then as B's own. */
  const inboxAction = (action: string, body: (seat: string) => object) => async () => {
    const path = `/v1/inbox/conversations/${f.sessionId}/${action}`;
    const withSeat = Object.keys(body('x')).includes('seat_id');
    if (withSeat)
      assertNotFound(await f.b.post(path, body(f.aSeat)), 'agent_not_found', "A's seat");
    assertNotFound(await f.b.post(path, body(f.bSeat)), 'session_not_found', `${action}`);
  };
  const conversationFields = ['body:seat_id', 'path:callId'];

  route(
    'POST /v1/inbox/conversations/{callId}/assign',
    conversationFields,
    inboxAction('assign', (seat) => ({ seat_id: seat })),
  );
  route(
    'POST /v1/inbox/conversations/{callId}/take_over',
    conversationFields,
    inboxAction('take_over', (seat) => ({ seat_id: seat })),
  );
  // release takes no agent check (the bot takes the conversation back): B's seat or A's, 404.
  route('POST /v1/inbox/conversations/{callId}/release', conversationFields, async () => {
    for (const seat of [f.aSeat, f.bSeat]) {
      const r = await f.b.post(`/v1/inbox/conversations/${f.sessionId}/release`, { seat_id: seat });
      assertNotFound(r, 'session_not_found', `release as ${seat}`);
    }
  });
  route(
    'POST /v1/inbox/conversations/{callId}/messages',
    conversationFields,
    inboxAction('messages', (seat) => ({
      seat_id: seat,
      content: { type: 'text', text: 'B writes to A’s user' },
    })),
  );
  route('POST /v1/inbox/conversations/{callId}/read', ['path:callId'], async () => {
    for (const body of [{}, { msg_ids: [f.msgId] }]) {
      const r = await f.b.post(`/v1/inbox/conversations/${f.sessionId}/read`, body);
      assertNotFound(r, 'session_not_found', `read ${JSON.stringify(body)}`);
    }
  });
  route(
    'POST /v1/inbox/conversations/{callId}/snooze',
    ['path:callId'],
    inboxAction('snooze', () => ({ until: later(1) })),
  );
  route(
    'POST /v1/inbox/conversations/{callId}/resolve',
    conversationFields,
    inboxAction('resolve', (seat) => ({ seat_id: seat })),
  );
  route(
    'POST /v1/inbox/conversations/{callId}/reopen',
    conversationFields,
    inboxAction('reopen', (seat) => ({ seat_id: seat })),
  );

  route(
    'PUT /v1/chatbot/bot-channels/{kind}/{channelId}',
    ['body:robot_id', 'path:channelId', 'path:kind'],
    async () => {
      const put = (kind: string, channelId: string, body: object) =>
        fetch(`${server.url}/v1/chatbot/bot-channels/${kind}/${channelId}`, {
          method: 'PUT',
          headers: { authorization: `Token ${f.bToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(readResponse);
      const callback_url = 'http://127.0.0.1:9/b';
      assertNotFound(
        await put('bot', f.bBot, { callback_url, robot_id: f.robotId }),
        'robot_not_found',
        "B's bot channel with A's robot",
      );
      // A channel id is the app's own name: B registering "a-hw" gets a channel of its own.
      for (const [kind, channelId] of [
        ['huawei', f.aHuawei],
        ['bot', f.aBot],
      ] as const) {
        const own = await put(kind, channelId, { callback_url });
        assert.equal(own.status, 200, own.text);
        assert.equal(own.json.data.created, true, `${kind} ${channelId} is new to B`);
        const removed = await asB('DELETE', `/v1/chatbot/bot-channels/${kind}/${channelId}`);
        assert.equal(removed.status, 200, removed.text);
      }
    },
  );

  route(
    'DELETE /v1/chatbot/bot-channels/{kind}/{channelId}',
    ['path:channelId', 'path:kind'],
    async () => {
      for (const [kind, channelId] of [
        ['huawei', f.aHuawei],
        ['bot', f.aBot],
      ] as const) {
        const r = await asB('DELETE', `/v1/chatbot/bot-channels/${kind}/${channelId}`);
        assertNotFound(r, 'channel_not_found', `${kind} ${channelId}`);
      }
    },
  );

  route('POST /v1/signing-keys', ['body:key_id'], async () => {
    // Key ids are one namespace (a request names only the key, not the app), so B cannot take
    // A's: refused as in use, which tells B no more than that a random 128-bit id exists.
    const r = await f.b.post('/v1/signing-keys', { key_id: f.aKeyId });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.code, 409, r.text);
    assert.equal(r.json.data, null, r.text);
    assert.equal(r.json.message.startsWith(errorTable.signing_key_exists.message), true, r.text);
    assert.equal(JSON.stringify(r.json).includes('secret'), false, 'no secret of A');
  });

  route('POST /v1/signing-keys/{key_id}/revoke', ['path:key_id'], async () => {
    const r = await f.b.post(`/v1/signing-keys/${f.aKeyId}/revoke`);
    assertNotFound(r, 'signing_key_not_found', 'revoke');
  });

  route('PUT /v1/signing-keys/{key_id}/lenient', ['path:key_id'], async () => {
    for (const lenient of [true, false]) {
      const r = await f.b.put(`/v1/signing-keys/${f.aKeyId}/lenient`, { lenient });
      assertNotFound(r, 'signing_key_not_found', `lenient ${lenient}`);
    }
  });

  // The upload links take no credential but their signature, like the recording links: WhatsApp
  // fetches media from them. A's link itself is a bearer link by design (whoever holds it can
  // read the file for its lifetime, docs/uploads.md); what B must not do is make one. B's valid
  // link with A's file id swapped in, and A's file without a signature, open nothing.
  route('GET /files/{id}/{name}', ['path:id', 'path:name'], async () => {
    const own = new URL(f.bFileLink).pathname.split('/')[2]!;
    await swapped(f.bFileLink, own, f.uploadId);
    for (const query of ['', '?expires=9999999999&sig=00']) {
      const r = await readResponse(
        await fetch(
          `${server.url}/files/${f.uploadId}/${encodeURIComponent(f.uploadName)}${query}`,
        ),
      );
      assert.equal(r.status, 403, `unsigned ${query}: ${r.text}`);
      assert.equal(r.json?.message, 'Invalid or expired link');
    }
  });

  // ---- The Workflow family (/service/cloud/workflow and its LeadsGeneration alias). ----

  workflowCases(route, assertNotFound, () => ({ b: f.b, wf: f.wf }));

  // ---- The dialer's skill groups and agents (/v1/groups, /v1/agents). ----

  agentCases(route, assertNotFound, () => ({
    url: server.url,
    bToken: f.bToken,
    agents: f.agents,
  }));

  pdsCases(route, () => ({ url: server.url, bToken: f.bToken, pds: f.pds, callId: f.callId }));

  /** B's request with a method the small client lacks. */
  async function asB(method: string, path: string): Promise<Answer> {
    const headers = { authorization: `Token ${f.bToken}` };
    return readResponse(await fetch(server.url + path, { method, headers }));
  }

  // ---- The tests. ----

  it('has a case for every id field of every route in the live OpenAPI document', () => {
    const expected: Record<string, string[]> = {};
    for (const [path, operations] of Object.entries<Json>(openapi.paths)) {
      for (const [method, operation] of Object.entries<Json>(operations)) {
        const fields = idFields(openapi, operation);
        if (fields.length > 0) expected[`${method.toUpperCase()} ${path}`] = fields;
      }
    }
    const covered = Object.fromEntries([...cases].map(([key, c]) => [key, c.fields]));
    assert.ok(Object.keys(expected).length >= 20, `routes with ids: ${Object.keys(expected)}`);
    assert.deepEqual(covered, expected, 'every route with an id field has a case for each of them');
  });

  it("holds nothing of A's that a worker would pick up (so an unchanged row means B changed nothing)", async () => {
    const first = await rowsOfA();
    assert.equal(
      first.tasks!.length,
      5,
      "A's three tasks, its workflow's call task and its PDS task (starting tomorrow)",
    );
    assert.equal((first.calls ?? []).length >= 2, true);
    // Not a pause and a second look: what the dialer, the deliverer and the job runner would
    // claim, checked directly.
    const [due] = await server.store.db.query<Record<string, number>>(
      `SELECT
         (SELECT count(*) FROM calls WHERE app_id = $1 AND state = 'dialing') AS dialing,
         (SELECT count(*) FROM callees c JOIN tasks t ON t.id = c.task_id
          WHERE c.app_id = $1 AND c.status IN ('pending', 'dialing') AND t.start_time <= now()) AS callees,
         (SELECT count(*) FROM webhook_events WHERE app_id = $1 AND status = 'pending') AS events`,
      [f.aId],
    );
    assert.deepEqual(due, { dialing: 0, callees: 0, events: 0 });
    const dueJobs = (first.jobs as Array<{ run_at: string; failed_at: string | null }>).filter(
      (job) => job.failed_at === null && new Date(job.run_at).getTime() <= Date.now(),
    );
    assert.deepEqual(dueJobs, []);
  });

  for (const [key, c] of cases) {
    it(`${key}: B finds nothing of A's and changes nothing`, () => unchanged(c.run));
  }
});
