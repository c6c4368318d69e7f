import assert from 'node:assert/strict';
import type { Services } from '../../src/modules/services.ts';
import type { ErrorKey } from '../../src/shared/errors.ts';
import { readResponse } from '../helpers/server.ts';

// The dialer agents' cases of test/faults/tenant-isolation.test.ts (docs/agents.md), kept apart
// like the workflow ones. App A owns a skill group with three agents: one offline, one ready and
// one talking on a call (so every desktop action would change one of them); B, given their ids,
// finds nothing and changes nothing. Nothing of them moves by itself (no acw timer is pending).

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- envelopes are any JSON
interface Answer {
  status: number;
  json: Json;
  text: string;
}

export interface AgentFixture {
  groupId: number;
  /** Offline, ready and talking, in that order. */
  agentIds: number[];
}

/** A's group and agents, one of them talking on a call the dialer reserved for it. */
export async function makeAgentFixture(services: Services, appId: number): Promise<AgentFixture> {
  const { agents, agentStates } = services;
  const group = await agents.createGroup(appId, { name: 'a_group' });
  const make = (name: string) => agents.createAgent(appId, { name, groupIds: [group.id] });
  const talking = await make('a_talking');
  await agentStates.act(appId, talking.id, 'login');
  await agentStates.reserve(appId, group.id, { callRef: 'a-call', contact: { name: 'A debtor' } });
  await agentStates.connect(appId, talking.id, 'a-call');
  const ready = await make('a_ready');
  await agentStates.act(appId, ready.id, 'login');
  const offline = await make('a_offline');
  return { groupId: group.id, agentIds: [offline.id, ready.id, talking.id] };
}

/** A's rows in the agents' tables. */
export async function agentRowsOfA(
  db: { query<T>(sql: string, params: unknown[]): Promise<T[]> },
  appId: number,
): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => db.query<Record<string, unknown>>(sql, [appId]);
  return {
    agent_groups: await q('SELECT * FROM agent_groups WHERE app_id = $1 ORDER BY id'),
    agents: await q('SELECT * FROM agents WHERE app_id = $1 ORDER BY id'),
    agent_group_members: await q(
      'SELECT * FROM agent_group_members WHERE agent_id IN (SELECT id FROM agents WHERE app_id = $1) ORDER BY 1, 2',
    ),
    agent_state_changes: await q('SELECT * FROM agent_state_changes WHERE app_id = $1 ORDER BY id'),
    agent_dispositions: await q('SELECT * FROM agent_dispositions WHERE app_id = $1 ORDER BY id'),
  };
}

type Route = (key: string, fields: string[], run: () => Promise<void>) => void;
type NotFound = (r: Answer, key: ErrorKey, what: string) => void;

/** Registers the /v1/groups and /v1/agents cases. */
export function agentCases(
  route: Route,
  assertNotFound: NotFound,
  ctx: () => { url: string; bToken: string; agents: AgentFixture },
) {
  const asB = async (method: string, path: string, body?: unknown) => {
    const { url, bToken } = ctx();
    return readResponse(
      await fetch(url + path, {
        method,
        headers: {
          authorization: `Token ${bToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  };
  const group = () => `/v1/groups/${ctx().agents.groupId}`;
  const eachAgent = async (run: (path: string) => Promise<Answer>) => {
    for (const id of ctx().agents.agentIds) {
      assertNotFound(await run(`/v1/agents/${id}`), 'agent_not_found', `agent ${id}`);
    }
  };

  route('GET /v1/groups/{id}', ['path:id'], async () => {
    assertNotFound(await asB('GET', group()), 'group_not_found', 'group');
  });
  route('PATCH /v1/groups/{id}', ['path:id'], async () => {
    const r = await asB('PATCH', group(), { name: 'taken_by_b', acw_seconds: 1 });
    assertNotFound(r, 'group_not_found', 'group');
  });
  route('DELETE /v1/groups/{id}', ['path:id'], async () => {
    assertNotFound(await asB('DELETE', group()), 'group_not_found', 'group');
  });
  route('GET /v1/agents', ['query:group_id'], async () => {
    const r = await asB('GET', `/v1/agents?group_id=${ctx().agents.groupId}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data.list, []);
  });
  route('GET /v1/agents/{id}', ['path:id'], () => eachAgent((p) => asB('GET', p)));
  route('PATCH /v1/agents/{id}', ['path:id'], () =>
    eachAgent((p) => asB('PATCH', p, { name: 'renamed_by_b', talk_median_seconds: 1 })),
  );
  route('DELETE /v1/agents/{id}', ['path:id'], () => eachAgent((p) => asB('DELETE', p)));
  for (const action of ['login', 'ready', 'break', 'logout']) {
    route(`POST /v1/agents/{id}/${action}`, ['path:id'], () =>
      eachAgent((p) => asB('POST', `${p}/${action}`, {})),
    );
  }
  route('POST /v1/agents/{id}/disposition', ['path:id'], () =>
    eachAgent((p) =>
      asB('POST', `${p}/disposition`, {
        customizeResults: [{ title: 'PTP', groupName: 'B', value: 'b' }],
        ready: true,
      }),
    ),
  );
  route('GET /v1/agents/{id}/call', ['path:id'], () => eachAgent((p) => asB('GET', `${p}/call`)));
  // A's talking agent would end its call: B's hangup finds no such agent.
  route('POST /v1/agents/{id}/hangup', ['path:id'], () =>
    eachAgent((p) => asB('POST', `${p}/hangup`)),
  );
  route('GET /v1/agents/{id}/states', ['path:id'], () =>
    eachAgent((p) => asB('GET', `${p}/states`)),
  );
}
