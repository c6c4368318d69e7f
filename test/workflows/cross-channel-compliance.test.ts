import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messagingAdapters } from '../../src/channels/messaging/channel-factory.ts';
import { messagingPersonaNumber } from '../../src/channels/messaging/simulated/messaging-personas.ts';
import type { CallFact } from '../../src/modules/workflows/facts.ts';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels } from '../messaging/harness.ts';

// Issue 12: compliance applies across the call, WABA and SMS nodes through the contact ledger
// (docs/workflows.md, "Compliance across nodes"). A WhatsApp template goes to every record; the
// simulated people whose number ends in 3 tap its OPT_OUT button, the others read it (9) or
// ignore it (4). After an hour on the business clock (3.6 s real) a call node calls every
// record: the opted-out are not dialled (final `dnc`, nothing at the carrier) and a branch on the
// call fact routes them to their own API node. A second workflow's SMS node sends nothing to a
// number listed before it started. Call personas by the same last digit (docs/simulator.md):
// 9 is silent (answers), 4 is voicemail; 3 would be "call later" (answers) if it were dialled.

const OPTS_OUT = [1, 2, 3].map((n) => messagingPersonaNumber('opts_out', n));
const READS = [1, 2, 3].map((n) => messagingPersonaNumber('reads_only', n));
const IGNORES = [1, 2].map((n) => messagingPersonaNumber('ignores', n));
const EVERYONE = [...OPTS_OUT, ...READS, ...IGNORES];
const BLOCKED_PATH = 'start>waba1>wait1>call1>dialled>api_blocked>end';
const CALLED_PATH = 'start>waba1>wait1>call1>dialled>api_called>end';
const CHANNEL_ID = '628900009071';
const SMS_LISTED = '+6281277700011';
const SMS_FREE = '+6281277700021';

describe(`compliance across a workflow's nodes, through the contact ledger (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let appId: number;
  let keys: { appKey: string; appSecret: string };
  /** A client with a fresh token: the business clock runs fast, and tokens expire on it. */
  const api = {
    get: async (path: string) =>
      client(server.url, await tokenFor(server.url, keys.appKey, keys.appSecret)).get(path),
    post: async (path: string, body: unknown) =>
      client(server.url, await tokenFor(server.url, keys.appKey, keys.appSecret)).post(path, body),
  };
  const fakes = fakeChannels();
  const started = new Date('2026-06-01T02:00:00Z');

  /** The pushes of the given API nodes, once each (deliveries are at least once). */
  const pushesOf = (names: readonly string[]) =>
    new Map(
      receiver.requests
        .map((r) => ({ id: String(r.headers['webhook-id']), body: JSON.parse(r.body) }))
        .filter((e) => names.includes(e.body.node_name))
        .map((e) => [e.id, e.body]),
    );

  const finished = (workflowId: string) =>
    waitFor(
      `workflow ${workflowId} to finish`,
      async () => {
        const [w] = await server.store.db.query<{ status: string }>(
          `SELECT status FROM workflows WHERE id = $1`,
          [workflowId],
        );
        return w?.status === 'Finished' ? true : undefined;
      },
      90_000,
    ).catch(async (error: unknown) => {
      // Where the records stopped says which outcome never moved them on.
      const where = await server.store.db.query<{ callee: string; node: string; state: string }>(
        `SELECT callee, node, state, due_at FROM workflow_records WHERE workflow_id = $1`,
        [workflowId],
      );
      throw new Error(`${String(error)}; records: ${JSON.stringify(where)}`);
    });

  const paths = async (workflowId: string) => {
    const rows = await server.store.db.query<{ callee: string; path: string; state: string }>(
      `SELECT r.callee, r.state, string_agg(s.node, '>' ORDER BY s.step) AS path
       FROM workflow_records r JOIN workflow_steps s ON s.record_id = r.id
       WHERE r.workflow_id = $1 GROUP BY r.callee, r.state`,
      [workflowId],
    );
    return new Map(rows.map((r) => [r.callee, r]));
  };

  const createInstance = async (template: string, name: string, callees: readonly string[]) => {
    const created = await api.post('/service/cloud/workflow/createinstance', {
      workflow_template_name: template,
      name,
      auto_finish: 1,
      end_time: '2026-06-03 00:00:00',
      details: callees.map((callee, i) => ({
        callee,
        case_id: `${name}-${i}`,
        callee_name: `Person ${i}`,
      })),
    });
    assert.equal(created.status, 200, created.text);
    return created.json.data.workflow_id as string;
  };

  before(async () => {
    receiver = await startReceiver();
    // The simulated WhatsApp channel as the runtime builds it, whose people look the template's
    // buttons up (so the opt-out persona taps OPT_OUT), and the fake SMS centre for the sender.
    const simulated = messagingAdapters({
      timeScale: 1000,
      templateButtons: ({ name, language }) =>
        server.runtime.services.messaging.templateButtons(name, language),
    });
    server = await startTestServer({
      config: { simulatedStart: started, timeScale: 1000 },
      channels: (spec) => (spec.kind === 'simulated' ? simulated(spec) : fakes.factory(spec)),
    });
    const { auth, messaging } = server.runtime.services;
    const app = await auth.createApp({
      name: 'wf-compliance',
      webhookUrl: receiver.url,
      timezone: 'UTC',
    });
    appId = app.app.id;
    keys = app;
    await messaging.createChannel(appId, {
      channelId: CHANNEL_ID,
      kind: 'simulated',
      name: 'Reminders',
      phoneNumber: `+${CHANNEL_ID}`,
      config: {},
    });
    await messaging.createChannel(appId, {
      channelId: 'TILLER',
      kind: 'sms',
      name: 'Tiller SMS',
      phoneNumber: '+6580000009',
      config: { url: 'smpp://127.0.0.1:2775', systemId: 'smsc-optout', password: 'secret' },
    });
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  describe('a WhatsApp opt-out stops the next call node', () => {
    let workflowId: string;

    before(async () => {
      const template = await server.runtime.services.messaging.createTemplate(appId, CHANNEL_ID, {
        name: 'payment_reminder_optout',
        language: 'en',
        category: 'UTILITY',
        status: 'APPROVED',
        content: {
          body: 'Hi {{1}}, your payment is due. We will call you about it.',
          button: [
            { type: 'QUICK_REPLY', text: 'OK' },
            { type: 'OPT_OUT', text: 'Stop contacting me' },
          ],
        },
      });
      const graph: WorkflowGraph = {
        name: 'waba_wait_call_branch',
        nodes: [
          { id: 'start', type: 'start', next: 'waba1' },
          {
            id: 'waba1',
            type: 'waba',
            name: 'WABA1',
            channel_id: CHANNEL_ID,
            template_id: template.id,
            variables: { '1': '{{callee_name}}' },
            next: 'wait1',
          },
          { id: 'wait1', type: 'wait', minutes: 60, next: 'call1' },
          { id: 'call1', type: 'call', name: 'Call1', robot_id: '4496', next: 'dialled' },
          {
            id: 'dialled',
            type: 'branch',
            rules: [
              { when: [{ field: 'call.end_reason', op: 'eq', value: 'dnc' }], next: 'api_blocked' },
            ],
            default: 'api_called',
          },
          {
            id: 'api_blocked',
            type: 'api',
            name: 'Blocked',
            url: `${receiver.url}/b`,
            next: 'end',
          },
          { id: 'api_called', type: 'api', name: 'Called', url: `${receiver.url}/c`, next: 'end' },
          { id: 'end', type: 'end' },
        ],
      };
      const imported = await api.post('/v1/workflow-templates', graph);
      assert.equal(imported.status, 200, imported.text);
      workflowId = await createInstance(graph.name, 'reminders', EVERYONE);
      await finished(workflowId);
    });

    it('lists each opted-out number from its tap on the template’s OPT_OUT button', async () => {
      for (const number of OPTS_OUT) {
        const r = await api.get(`/v1/dnc?prefix=${encodeURIComponent(number)}`);
        assert.equal(r.json.data.list[0]?.source, 'whatsapp_button', number);
      }
      for (const number of [...READS, ...IGNORES]) {
        const r = await api.get(`/v1/dnc?prefix=${encodeURIComponent(number)}`);
        assert.equal(r.json.data.list.length, 0, `${number} is not listed`);
      }
    });

    it('never dials an opted-out number, and dials every other one exactly once', () => {
      for (const number of OPTS_OUT)
        assert.equal(server.carrier.ledger.filter((d) => d.to === number).length, 0, number);
      for (const number of [...READS, ...IGNORES])
        assert.equal(server.carrier.ledger.filter((d) => d.to === number).length, 1, number);
    });

    it('gives each record the call fact the branch decided on', async () => {
      const rows = await server.store.db.query<{ callee: string; facts: { call?: CallFact } }>(
        `SELECT callee, facts FROM workflow_records WHERE workflow_id = $1`,
        [workflowId],
      );
      const calls = new Map(rows.map((r) => [r.callee, r.facts.call]));
      for (const number of OPTS_OUT) {
        assert.equal(calls.get(number)?.end_reason, 'dnc', number);
        assert.equal(calls.get(number)?.connected, false, number);
      }
      // The silent persona answers; the voicemail one is a machine, not connected.
      for (const number of READS) assert.equal(calls.get(number)?.end_reason, 'connected', number);
      for (const number of IGNORES)
        assert.equal(calls.get(number)?.end_reason, 'not_connected', number);
      // The voice ledger says why: the person's own opt-out, not the operator's list.
      for (const number of OPTS_OUT) {
        const voice = (await server.runtime.services.contacts.history(appId, number)).filter(
          (r) => r.channel === 'voice',
        );
        assert.deepEqual(
          voice.map((r) => [r.decision, r.reason]),
          [['blocked', 'opt_out']],
          number,
        );
      }
    });

    it('takes each record along its path, to the API node its call decides', async () => {
      const byCallee = await paths(workflowId);
      assert.equal(byCallee.size, EVERYONE.length);
      for (const number of OPTS_OUT) assert.equal(byCallee.get(number)?.path, BLOCKED_PATH, number);
      for (const number of [...READS, ...IGNORES])
        assert.equal(byCallee.get(number)?.path, CALLED_PATH, number);
      for (const number of EVERYONE) assert.equal(byCallee.get(number)?.state, 'done', number);
      const pushes = await waitFor('a push per record', () => {
        const found = pushesOf(['Blocked', 'Called']);
        return found.size >= EVERYONE.length ? [...found.values()] : undefined;
      });
      assert.equal(pushes.length, EVERYONE.length);
      const node = new Map(pushes.map((p) => [p.callee.callee_number, p.node_name]));
      for (const number of OPTS_OUT) assert.equal(node.get(number), 'Blocked', number);
      for (const number of [...READS, ...IGNORES]) assert.equal(node.get(number), 'Called', number);
      for (const push of pushes) {
        assert.equal(push.workflow_id, workflowId);
        // The push's call object (§17.2) says it the wire's way: never dialled, or dialled once.
        const optedOut = OPTS_OUT.includes(push.callee.callee_number);
        assert.equal(push.call.call_times, optedOut ? 0 : 1, push.callee.callee_number);
        assert.equal(push.call.ring_type === 'not_dialled', optedOut, push.callee.callee_number);
      }
    });
  });

  describe('a number listed before the workflow gets no SMS from its SMS node', () => {
    let workflowId: string;

    before(async () => {
      const listed = await api.post('/v1/dnc', { numbers: [SMS_LISTED], reason: 'asked by email' });
      assert.equal(listed.status, 200, listed.text);
      const graph: WorkflowGraph = {
        name: 'sms_push',
        nodes: [
          { id: 'start', type: 'start', next: 'sms1' },
          {
            id: 'sms1',
            type: 'sms',
            from: 'TILLER',
            message: 'Hi {{callee_name}}, about case {{case_id}}.',
            next: 'api1',
          },
          { id: 'api1', type: 'api', name: 'SmsPushed', url: `${receiver.url}/s`, next: 'end' },
          { id: 'end', type: 'end' },
        ],
      };
      const imported = await api.post('/v1/workflow-templates', graph);
      assert.equal(imported.status, 200, imported.text);
      workflowId = await createInstance(graph.name, 'texts', [SMS_LISTED, SMS_FREE]);
      await finished(workflowId);
    });

    it('sends the unlisted number its SMS and blocks the listed one in the ledger', async () => {
      const sends = await waitFor('the unlisted number’s SMS at the SMS centre', () => {
        try {
          const all = fakes.get('smsc-optout').sends;
          return all.some((s) => s.message.to === SMS_FREE) ? all : undefined;
        } catch {
          return undefined;
        }
      });
      const sms = await waitFor('the listed number’s SMS refused in the ledger', async () => {
        const trail = await server.runtime.services.contacts.history(appId, SMS_LISTED);
        const rows = trail.filter((r) => r.channel === 'sms');
        return rows.length > 0 ? rows : undefined;
      });
      assert.deepEqual(
        sms.map((r) => [r.decision, r.reason]),
        [['blocked', 'dnc']],
      );
      assert.equal(sends.filter((s) => s.message.to === SMS_LISTED).length, 0, 'no SMS sent');
      assert.equal(sends.filter((s) => s.message.to === SMS_FREE).length, 1);
      const byCallee = await paths(workflowId);
      for (const number of [SMS_LISTED, SMS_FREE])
        assert.equal(byCallee.get(number)?.path, 'start>sms1>api1>end', number);
    });
  });
});
