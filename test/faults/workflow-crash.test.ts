import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { checkWorkflowAfterCrash, recordOf } from './workflow-crash-checks.ts';
import { serverProcess } from './server-process.ts';

// Issue 12: "kill -9 during a workflow of 2,000 records: after restart no record skips or
// repeats a node (the simulated carrier's and messaging fakes' ledgers prove it)". The server
// runs as a child process; a workflow calls every record, sends the ones not reached a WhatsApp
// template, pushes everyone to an API node and ends. The server is killed with -9 at a random
// point while records are in flight (during the calls, or during the template sends), started
// again on the same store, and once the workflow has finished the store's step log, the two
// providers' ledger files and the receiver's pushes are checked (workflow-crash-checks.ts).

const RECORDS = Number(process.env['WORKFLOW_CRASH_RECORDS'] ?? 2000);
const SCALE = 200;

describe(`kill -9 during a workflow of ${RECORDS} records (${storeKind})`, () => {
  it('no record skips or repeats a node after the restart', { timeout: 600_000 }, (t) =>
    crashDuringWorkflow(t),
  );
});

async function crashDuringWorkflow(t: TestContext) {
  const receiver = await startReceiver();
  const name = 'wf-crash';
  const server = await serverProcess(name, {
    TILLER_TIME_SCALE: String(SCALE),
    TILLER_APP_CONCURRENCY: '2000',
    TILLER_TASK_CONCURRENCY: '2000',
    TILLER_SHUTDOWN_GRACE_MS: '10000',
    TILLER_DEFAULT_TIMEZONE: 'UTC',
  });
  // The business clock is the system clock: the simulated one (TILLER_SIMULATED_START) would
  // not do, as the messaging module dates a provider's statuses by the provider (real time).
  const start = () => server.start();
  const stop = (signal: NodeJS.Signals) => server.stop(signal);
  try {
    const app = server.createApp(receiver.url);
    await start();
    let api = await app.connect();
    // The WhatsApp side through the API: a simulated channel and an approved template.
    const channel = await api.post('/v1/messaging/channels', {
      channel_id: 'WA1',
      kind: 'simulated',
      name: 'Collections WhatsApp',
      phone_number: '+6580000001',
      sends_per_second: 2000,
    });
    assert.equal(channel.status, 200, channel.text);
    const template = await api.post('/v1/messaging/channels/WA1/templates', {
      name: 'payment_reminder',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      content: { body: 'Your payment is overdue. Please pay today.' },
    });
    assert.equal(template.status, 200, template.text);
    // Workflow templates have no API yet: the row goes in through the store, which the embedded
    // one allows only while the server is stopped.
    assert.equal(await stop('SIGTERM'), 0);
    const templateId = await insertWorkflowTemplate(
      server,
      name,
      graphOf(receiver, template.json.data.id),
    );
    await start();
    api = await app.connect();

    const created = await api.post('/service/cloud/workflow/createinstance', {
      workflow_template_id: templateId,
      name: 'crash_batch',
      auto_finish: 1,
      end_time: '2099-01-01 00:00:00',
      details: Array.from({ length: RECORDS }, (_, i) => {
        const { callee, case_id } = recordOf(i);
        return { callee, case_id, callee_name: `Person ${i}` };
      }),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.message, 'Success', created.text);
    const workflowId: string = created.json.data.workflow_id;
    const began = Date.now();

    // The kill lands mid-run by construction: before every record was dialled, or before every
    // record not reached was sent its template (each file only grows).
    const waba = Array.from({ length: RECORDS }, (_, i) => recordOf(i)).filter((r) => !r.connects);
    const phase = process.env['WORKFLOW_CRASH_PHASE'];
    // Either phase at random, or the one WORKFLOW_CRASH_PHASE names (calls | templates). The
    // template node waits up to a minute of the system clock for an outcome, longer than the
    // paced sends take, so a kill at a share of the sends finds records still at that node.
    const duringCalls = phase ? phase === 'calls' : Math.random() < 0.5;
    const fault = duringCalls
      ? { file: server.ledgerFiles.carrier, lines: share(RECORDS), what: 'dials' }
      : { file: server.ledgerFiles.messaging, lines: share(waba.length), what: 'template sends' };
    t.diagnostic(`kill -9 once the ledger holds ${fault.lines} ${fault.what}`);
    await waitFor(
      `${fault.lines} ${fault.what}`,
      () => (linesOf(fault.file) >= fault.lines ? true : undefined),
      180_000,
    );
    assert.equal(await stop('SIGKILL'), null, 'killed');
    const killed = { dials: server.ledger().length, sends: server.messagingLedger().length };
    t.diagnostic(`killed with ${killed.dials} dials and ${killed.sends} template sends`);
    await inFlightAtKill(server, workflowId, t);

    await start();
    const restartedAt = new Date();
    t.diagnostic(
      `${((restartedAt.getTime() - began) / 1000).toFixed(1)} s from the instance to the restart`,
    );
    api = await app.connect();
    await waitFor(
      'the workflow to finish and every event to be delivered',
      async () => {
        const finished = receiver.requests.some((r) => {
          const body = JSON.parse(r.body) as { workflow_id?: string; status?: string };
          return body.workflow_id === workflowId && body.status === 'Finished';
        });
        if (!finished) return undefined;
        const pending = await api.get('/v1/webhooks/events?status=pending&page_size=1');
        return pending.json.data.total === 0 ? true : undefined;
      },
      Number(process.env['WORKFLOW_CRASH_WAIT_MS'] ?? 300_000),
    ).catch(async (error: unknown) => {
      await stop('SIGTERM');
      await dumpOnTimeout(server, workflowId, t);
      throw error;
    });
    t.diagnostic(
      `${((Date.now() - restartedAt.getTime()) / 1000).toFixed(1)} s from the restart to the end`,
    );
    assert.equal(await stop('SIGTERM'), 0, 'a clean stop');
    const store = await server.openStore();
    try {
      await checkWorkflowAfterCrash({
        store,
        workflowId,
        records: RECORDS,
        carrier: server.ledger(),
        messaging: server.messagingLedger(),
        receiver,
        restartedAt,
        t,
      });
    } finally {
      await store.close();
    }
  } finally {
    await server.cleanup();
    await receiver.close();
  }
}

/** start → call1 → reached? → (not connected) waba1 → api1 → end. */
function graphOf(receiver: Receiver, templateId: number): WorkflowGraph {
  return {
    name: 'call_then_whatsapp',
    nodes: [
      { id: 'start', type: 'start', next: 'call1' },
      { id: 'call1', type: 'call', name: 'Call1', robot_id: '4496', next: 'reached' },
      {
        id: 'reached',
        type: 'branch',
        rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'waba1' }],
        default: 'api1',
      },
      {
        id: 'waba1',
        type: 'waba',
        name: 'Reminder',
        channel_id: 'WA1',
        template_id: templateId,
        // A template whose statuses died with the killed process: its record moves on after this.
        timeout_minutes: 1,
        next: 'api1',
      },
      { id: 'api1', type: 'api', name: 'CRM', url: `${receiver.url}/crm`, next: 'end' },
      { id: 'end', type: 'end' },
    ],
  };
}

async function insertWorkflowTemplate(
  server: Awaited<ReturnType<typeof serverProcess>>,
  appName: string,
  graph: WorkflowGraph,
): Promise<number> {
  const store = await server.openStore();
  try {
    const [row] = await store.query<{ id: number }>(
      `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
       SELECT id, $2, 1, $3, $4 FROM apps WHERE name = $1 RETURNING id`,
      [appName, graph.name, graph, new Date()],
    );
    assert.ok(row, 'the app exists');
    return Number(row.id);
  } finally {
    await store.close();
  }
}

/** The records still in the graph when the kill came: the fault hit a run in progress. */
async function inFlightAtKill(
  server: Awaited<ReturnType<typeof serverProcess>>,
  workflowId: string,
  t: TestContext,
) {
  const store = await server.openStore();
  try {
    const rows = await store.query<{ state: string; node: string; n: number }>(
      `SELECT state, node, count(*)::int AS n FROM workflow_records WHERE workflow_id = $1
       GROUP BY state, node ORDER BY state, node`,
      [workflowId],
    );
    t.diagnostic(`at the kill: ${rows.map((r) => `${r.state}@${r.node} ${r.n}`).join(', ')}`);
    const open = rows.filter((r) => r.state !== 'done').reduce((sum, r) => sum + r.n, 0);
    assert.ok(open > 0, 'the kill came before the workflow finished');
  } finally {
    await store.close();
  }
}

/** A random share of n, 15% to 60%: where the kill lands. */
const share = (n: number) => Math.max(1, Math.floor(n * (0.15 + Math.random() * 0.45)));

/** Lines in a ledger file (it may end in a line being written: only whole lines count). */
function linesOf(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Where the workflow stands, for a run that timed out: records, node tasks, calls, jobs. */
async function dumpOnTimeout(
  server: Awaited<ReturnType<typeof serverProcess>>,
  workflowId: string,
  t: TestContext,
) {
  const store = await server.openStore();
  try {
    for (const sql of [
      `SELECT state, node, count(*)::int AS n FROM workflow_records WHERE workflow_id = $1
       GROUP BY state, node`,
      `SELECT id, status FROM tasks WHERE workflow_id = $1`,
      `SELECT c.state, c.outcome, count(*)::int AS n FROM calls c
       JOIN tasks k ON k.id = c.task_id WHERE k.workflow_id = $1 GROUP BY c.state, c.outcome`,
      `SELECT queue, count(*)::int AS n, min(run_at) AS first FROM jobs GROUP BY queue`,
    ]) {
      t.diagnostic(JSON.stringify(await store.query(sql, sql.includes('$1') ? [workflowId] : [])));
    }
  } finally {
    await store.close();
  }
}
