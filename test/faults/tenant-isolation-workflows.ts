import assert from 'node:assert/strict';
import { wireNodeId } from '../../src/modules/workflows/graph.ts';
import type { ErrorKey } from '../../src/shared/errors.ts';
import type { client } from '../helpers/server.ts';
import { waitFor } from '../helpers/server.ts';

// The Workflow family's cases of test/faults/tenant-isolation.test.ts (kept apart so that file
// stays readable). App A owns a workflow whose one record was called (a finished call, its node
// task and call task) and now waits on a WhatsApp template held by A's quiet hours (a WABA node
// task and batch): every id the family's routes take is real and A's, and nothing of it moves
// while B's requests run. Both prefixes (the cloud one and the LeadsGeneration alias, §19)
// answer the same routes, so each case runs on both.

type Client = ReturnType<typeof client>;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- envelopes are any JSON
interface Answer {
  status: number;
  json: Json;
  text: string;
}

export const WORKFLOW_PREFIXES = [
  '/service/cloud/workflow',
  '/service/cloud/leadsgeneration/workflow',
];

export interface WorkflowFixture {
  workflowId: string;
  /** A's template the workflow runs (start → call → waba → api → end). */
  templateId: number;
  caseId: string;
  callee: string;
  callNodeTaskId: string;
  wabaNodeTaskId: string;
  callTaskId: string;
  callId: string;
  wabaTaskId: string;
  apiNodeId: string;
}

const HOUR = 3_600_000;
const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** Makes A's workflow and waits until its record rests on the held WhatsApp node. */
export async function makeWorkflowFixture(
  a: Client,
  input: { robotId: string; channelId: string; waTemplateId: number; callee: string },
): Promise<WorkflowFixture> {
  const ok = (r: Answer, what: string) => {
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    return r.json.data;
  };
  const imported = ok(
    await a.post('/v1/workflow-templates', {
      name: 'a_workflow_template',
      nodes: [
        { id: 'start', type: 'start', next: 'call' },
        { id: 'call', type: 'call', robot_id: input.robotId, next: 'whatsapp' },
        {
          id: 'whatsapp',
          type: 'waba',
          channel_id: input.channelId,
          template_id: input.waTemplateId,
          next: 'push',
        },
        { id: 'push', type: 'api', url: 'http://127.0.0.1:9/unused', next: 'done' },
        { id: 'done', type: 'end' },
      ],
    }),
    'workflow template',
  );
  const templateId = imported.workflow_template_id as number;
  const caseId = 'a-wf-case';
  const workflowId = ok(
    await a.post('/service/cloud/workflow/createinstance', {
      workflow_template_id: templateId,
      name: 'a_workflow',
      end_time: utc(new Date(Date.now() + 24 * HOUR)),
      details: [{ callee: input.callee, case_id: caseId, variables: { '1': 'a' } }],
    }),
    'createinstance',
  ).workflow_id as string;

  // A's own view names every id B will try: the node tasks, the call task and its call, the batch.
  const nodeTasks = await waitFor(
    "A's record to reach the WhatsApp node",
    async () => {
      const list = ok(
        await a.get(`/service/cloud/workflow/nodetasks?workflow_id=${workflowId}`),
        'nodetasks',
      ) as Array<{ nodetask_id: string; node_type: string; task_id?: string }>;
      const waba = list.find((n) => n.node_type === 'waba');
      return waba?.task_id ? list : undefined;
    },
    30_000,
  );
  const call = nodeTasks.find((n) => n.node_type === 'call')!;
  const waba = nodeTasks.find((n) => n.node_type === 'waba')!;
  const cases = ok(
    await a.get(`/service/cloud/workflow/case?workflow_id=${workflowId}&case_id=${caseId}`),
    'case',
  ) as Array<{ call_id: string }>;
  assert.equal(cases.length, 1, "A's record has its one call");
  const held = ok(
    await a.get(`/service/cloud/workflow/wabataskdetail?waba_task_id=${waba.task_id}`),
    'wabataskdetail',
  );
  assert.equal(held.total, 1, "A's template send is in its batch");
  return {
    workflowId,
    templateId,
    caseId,
    callee: input.callee,
    callNodeTaskId: call.nodetask_id,
    wabaNodeTaskId: waba.nodetask_id,
    callTaskId: call.task_id!,
    callId: cases[0]!.call_id,
    wabaTaskId: waba.task_id!,
    apiNodeId: wireNodeId(templateId, 'push'),
  };
}

/** A's rows in the workflow tables (compared before and after each of B's requests). */
export async function workflowRowsOfA(
  db: { query<T>(sql: string, params: unknown[]): Promise<T[]> },
  appId: number,
): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => db.query<Record<string, unknown>>(sql, [appId]);
  const ofA = 'workflow_id IN (SELECT id FROM workflows WHERE app_id = $1)';
  return {
    workflows: await q('SELECT * FROM workflows WHERE app_id = $1 ORDER BY id'),
    workflow_records: await q('SELECT * FROM workflow_records WHERE app_id = $1 ORDER BY id'),
    workflow_steps: await q(`SELECT * FROM workflow_steps WHERE ${ofA} ORDER BY record_id, step`),
    workflow_node_tasks: await q(`SELECT * FROM workflow_node_tasks WHERE ${ofA} ORDER BY id`),
    workflow_node_runs: await q(`SELECT * FROM workflow_node_runs WHERE ${ofA} ORDER BY id`),
  };
}

type Route = (key: string, fields: string[], run: () => Promise<void>) => void;
type NotFound = (r: Answer, key: ErrorKey, what: string) => void;

/** Registers the Workflow family's cases, on both prefixes. */
export function workflowCases(
  route: Route,
  assertNotFound: NotFound,
  ctx: () => { b: Client; wf: WorkflowFixture },
) {
  for (const p of WORKFLOW_PREFIXES) {
    const tag = p.includes('leads') ? 'lg' : 'cloud';

    route(
      `POST ${p}/createinstance`,
      ['body:details[].case_id', 'body:workflow_template_id'],
      async () => {
        const { b, wf } = ctx();
        const body = (template: object, name: string) => ({
          ...template,
          name,
          end_time: utc(new Date(Date.now() + 24 * HOUR)),
          details: [{ callee: wf.callee, case_id: wf.caseId }],
        });
        assertNotFound(
          await b.post(
            `${p}/createinstance`,
            body({ workflow_template_id: wf.templateId }, `b_${tag}_a_template`),
          ),
          'workflow_template_not_found',
          "A's template",
        );
        // A's template name names nothing of A's for B either.
        assertNotFound(
          await b.post(
            `${p}/createinstance`,
            body({ workflow_template_name: 'a_workflow_template' }, `b_${tag}_a_name`),
          ),
          'workflow_template_not_found',
          "A's template name",
        );
      },
    );

    route(`POST ${p}/uploaddetails`, ['body:details[].case_id', 'body:workflow_id'], async () => {
      const { b, wf } = ctx();
      const r = await b.post(`${p}/uploaddetails`, {
        workflow_id: wf.workflowId,
        details: [{ callee: '+6281234567901', case_id: 'b-into-a' }],
      });
      assertNotFound(r, 'workflow_not_found', 'uploaddetails');
    });

    route(`POST ${p}/updatedetails`, ['body:case_id', 'body:workflow_id'], async () => {
      const { b, wf } = ctx();
      for (const key of [{ case_id: wf.caseId }, { callee: wf.callee }]) {
        const r = await b.post(`${p}/updatedetails`, {
          workflow_id: wf.workflowId,
          ...key,
          callee_name: 'changed by B',
        });
        assertNotFound(r, 'workflow_not_found', `updatedetails ${JSON.stringify(key)}`);
      }
    });

    route(`POST ${p}/canceldetails`, ['body:case_id', 'body:workflow_id'], async () => {
      const { b, wf } = ctx();
      for (const key of [{ case_id: wf.caseId }, { callee: wf.callee }]) {
        const r = await b.post(`${p}/canceldetails`, { workflow_id: wf.workflowId, ...key });
        assertNotFound(r, 'workflow_not_found', `canceldetails ${JSON.stringify(key)}`);
      }
    });

    route(`POST ${p}/stopinstance`, ['body:workflow_id'], async () => {
      const { b, wf } = ctx();
      const r = await b.post(`${p}/stopinstance`, { workflow_id: wf.workflowId });
      assertNotFound(r, 'workflow_not_found', 'stopinstance');
    });

    route(`GET ${p}/instances`, ['query:workflow_template_id'], async () => {
      // A filter, not a lookup: B's own workflows of that template, which are none.
      const { b, wf } = ctx();
      const r = await b.get(`${p}/instances?workflow_template_id=${wf.templateId}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.total, 0, r.text);
      assert.deepEqual(r.json.data.list, []);
    });

    route(`GET ${p}/nodetasks`, ['query:workflow_id'], async () => {
      const { b, wf } = ctx();
      const r = await b.get(`${p}/nodetasks?workflow_id=${wf.workflowId}`);
      assertNotFound(r, 'workflow_not_found', 'nodetasks');
    });

    route(`POST ${p}/tasklist`, ['body:nodetask_id', 'body:workflow_id'], async () => {
      const { b, wf } = ctx();
      for (const body of [
        { workflow_id: wf.workflowId },
        { workflow_id: wf.workflowId, nodetask_id: wf.callNodeTaskId },
      ]) {
        assertNotFound(
          await b.post(`${p}/tasklist`, body),
          'workflow_not_found',
          JSON.stringify(body),
        );
      }
    });

    route(
      `POST ${p}/taskdetail`,
      ['body:case_id', 'body:task_id', 'body:workflow_id'],
      async () => {
        const { b, wf } = ctx();
        for (const key of [{}, { case_id: wf.caseId }, { callee: wf.callee }]) {
          const r = await b.post(`${p}/taskdetail`, {
            workflow_id: wf.workflowId,
            task_id: wf.callTaskId,
            ...key,
          });
          assertNotFound(r, 'workflow_not_found', `taskdetail ${JSON.stringify(key)}`);
          assert.equal(r.text.includes(wf.callee), false, "no number of A's leaks");
        }
      },
    );

    route(`GET ${p}/case`, ['query:case_id', 'query:task_id', 'query:workflow_id'], async () => {
      const { b, wf } = ctx();
      const callee = `callee=${encodeURIComponent(wf.callee)}`;
      for (const [query, key] of [
        [`workflow_id=${wf.workflowId}&case_id=${wf.caseId}`, 'workflow_not_found'],
        [`workflow_id=${wf.workflowId}&${callee}`, 'workflow_not_found'],
        [`task_id=${wf.callTaskId}&case_id=${wf.caseId}`, 'task_not_found'],
        [`task_id=${wf.callTaskId}&${callee}`, 'task_not_found'],
      ] as const) {
        const r = await b.get(`${p}/case?${query}`);
        assertNotFound(r, key, `case ${query}`);
      }
    });

    route(`GET ${p}/call`, ['query:call_id'], async () => {
      const { b, wf } = ctx();
      assertNotFound(await b.get(`${p}/call?call_id=${wf.callId}`), 'call_not_found', 'call');
    });

    route(`GET ${p}/recordings`, ['query:case_id', 'query:workflow_id'], async () => {
      const { b, wf } = ctx();
      for (const query of [`case_id=${wf.caseId}`, `callee=${encodeURIComponent(wf.callee)}`]) {
        const r = await b.get(`${p}/recordings?workflow_id=${wf.workflowId}&${query}`);
        assertNotFound(r, 'workflow_not_found', `recordings ${query}`);
      }
    });

    route(`GET ${p}/wabatasks`, ['query:nodetask_id', 'query:workflow_id'], async () => {
      const { b, wf } = ctx();
      for (const query of ['', `&nodetask_id=${wf.wabaNodeTaskId}`]) {
        const r = await b.get(`${p}/wabatasks?workflow_id=${wf.workflowId}${query}`);
        assertNotFound(r, 'workflow_not_found', `wabatasks ${query}`);
      }
    });

    route(`GET ${p}/wabataskdetail`, ['query:case_id', 'query:waba_task_id'], async () => {
      const { b, wf } = ctx();
      for (const query of [
        '',
        `&case_id=${wf.caseId}`,
        `&callee=${encodeURIComponent(wf.callee)}`,
      ]) {
        const r = await b.get(`${p}/wabataskdetail?waba_task_id=${wf.wabaTaskId}${query}`);
        assertNotFound(r, 'task_not_found', `wabataskdetail ${query}`);
      }
    });

    route(`POST ${p}/detailinstances`, ['body:case_id'], async () => {
      // A search among B's own records: A's case id and number find none of A's.
      const { b, wf } = ctx();
      const window = {
        start_time: utc(new Date(Date.now() - 24 * HOUR)),
        end_time: utc(new Date(Date.now() + HOUR)),
      };
      for (const key of [{ case_id: wf.caseId }, { callee: wf.callee }]) {
        const r = await b.post(`${p}/detailinstances`, { ...window, ...key });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json.data, [], `nothing of A's for ${JSON.stringify(key)}`);
      }
    });

    route(
      `POST ${p}/apinoticeinfo`,
      ['body:case_id', 'body:node_id', 'body:workflow_id'],
      async () => {
        const { b, wf } = ctx();
        const r = await b.post(`${p}/apinoticeinfo`, {
          workflow_id: wf.workflowId,
          node_id: wf.apiNodeId,
          callee: wf.callee,
          case_id: wf.caseId,
        });
        assertNotFound(r, 'workflow_not_found', 'apinoticeinfo');
      },
    );
  }
}
