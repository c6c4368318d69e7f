import assert from 'node:assert/strict';
import type { Services } from '../../src/modules/services.ts';
import { client } from '../helpers/server.ts';
import { assertPdsCode, PDS } from '../pds/api/pds-client.ts';

// The PDS family's cases of test/faults/tenant-isolation.test.ts (docs/pds-api.md), kept apart
// like the workflow and agent ones. App A owns a PDS task that starts tomorrow (so no dialer
// touches it while B's requests run) for A's skill group and agents; B, given A's task id, task
// name, group name, agent names and a call id, finds nothing and changes nothing. PDS answers
// carry the platform codes (10506 task, 10511 group, 10609 call), not the cloud family's 404.

export interface PdsFixture {
  taskId: string;
  taskName: string;
  groupName: string;
  agentNames: string[];
  /** B's own PDS task, which B may copy (onto A's group: refused). */
  bTaskName: string;
}

/**
 * A's PDS task for A's group, and B's own PDS task for a group of B's, both starting tomorrow
 * at 09:00 UTC (the apps' zone in this suite).
 */
export async function makePdsFixture(
  services: Services,
  apps: { a: number; b: number },
  group: { name: string; agentNames: string[] },
): Promise<PdsFixture> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const task = (name: string, groupName: string, agentName: string[], number: string) => ({
    taskName: name,
    startTime: `${tomorrow} 09:00:00`,
    autoEndTime: `${tomorrow} 17:00:00`,
    groupName,
    agentName,
    contactList: [number],
  });
  const a = await services.pdsTasks.create(
    { appId: apps.a, timezone: 'UTC' },
    task('a_pds_task', group.name, group.agentNames, '+6281234567601'),
  );
  assert.deepEqual(a.errorContactList, []);
  await services.agents.createSimulatedGroup(apps.b, { name: 'b_group', agents: 1 });
  const b = await services.pdsTasks.create(
    { appId: apps.b, timezone: 'UTC' },
    task('b_pds_task', 'b_group', [], '+6281234567602'),
  );
  assert.deepEqual(b.errorContactList, []);
  return {
    taskId: a.taskId,
    taskName: 'a_pds_task',
    groupName: group.name,
    agentNames: group.agentNames,
    bTaskName: 'b_pds_task',
  };
}

type Route = (key: string, fields: string[], run: () => Promise<void>) => void;

/** Registers the PDS family's cases. */
export function pdsCases(
  route: Route,
  ctx: () => { url: string; bToken: string; pds: PdsFixture; callId: string },
) {
  const asB = (path: string, body: unknown) => {
    const { url, bToken } = ctx();
    return client(url, bToken).post(`${PDS}${path}`, body);
  };
  route(
    'POST /service/callcenter/call/predict/createtask',
    ['body:agentName', 'body:groupName'],
    async () => {
      const { pds } = ctx();
      const r = await asB('/createtask', {
        taskName: 'b_task_on_a_group',
        groupName: pds.groupName,
        agentName: pds.agentNames,
        contactList: ['+6281234567603'],
      });
      assertPdsCode(r, 10511, "A's group");
    },
  );
  route(
    'POST /service/callcenter/call/predict/copytask',
    ['body:agentName', 'body:fromTask', 'body:groupName'],
    async () => {
      const { pds } = ctx();
      assertPdsCode(
        await asB('/copytask', { fromTask: pds.taskName, taskName: 'b_copy' }),
        10506,
        "A's task to copy",
      );
      assertPdsCode(
        await asB('/copytask', {
          fromTask: pds.bTaskName,
          taskName: 'b_copy',
          groupName: pds.groupName,
          agentName: pds.agentNames,
        }),
        10511,
        "B's task copied onto A's group",
      );
    },
  );
  route('POST /service/callcenter/call/predict/querytaskdetail', ['body:taskId'], async () => {
    assertPdsCode(await asB('/querytaskdetail', { taskId: ctx().pds.taskId }), 10506, "A's task");
  });
  route('POST /service/callcenter/call/predict/canceltaskcontacts', ['body:TaskID'], async () => {
    const r = await asB('/canceltaskcontacts', {
      TaskID: ctx().pds.taskId,
      contactList: ['+6281234567601'],
    });
    assertPdsCode(r, 10506, "A's task");
  });
  route('POST /service/callcenter/call/predict/case/recording', ['body:callid'], async () => {
    assertPdsCode(await asB('/case/recording', { callid: ctx().callId }), 10609, "A's call");
  });
}
