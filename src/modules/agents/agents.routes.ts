import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AgentStateService, DesktopAction } from './agent-state.service.ts';
import {
  Agent,
  AgentBody,
  AgentListQuery,
  AgentPatch,
  CurrentCall,
  DispositionBody,
  DispositionResult,
  Group,
  GroupBody,
  GroupDetail,
  GroupPatch,
  History,
  HistoryQuery,
  IdParams,
} from './agents.schema.ts';
import type { AgentRow } from './agents.repository.ts';
import type { AgentService } from './agents.service.ts';
import { agentWire, currentCallWire, groupWire, stateChangeWire } from './agents.wire.ts';

const tags = ['agents'];

/**
 * Ends the call an agent is talking on, from the desktop. The PDS dialer's service does it for
 * PDS calls (the task's acwTime, and the line hung up in whichever process holds it).
 */
export interface AgentCallEnder {
  hangupByAgent(appId: number, agentId: number): Promise<AgentRow>;
}

/** `/v1/groups` and `/v1/agents`: skill groups, dialer agents and their states (docs/agents.md). */
export function agentRoutes(
  agents: AgentService,
  states: AgentStateService,
  calls?: AgentCallEnder,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/groups',
      {
        schema: {
          summary: 'Create a skill group',
          tags,
          body: GroupBody,
          response: { 200: Group },
        },
      },
      async (request) =>
        groupWire(
          await agents.createGroup(request.caller.appId, {
            name: request.body.name,
            ...(request.body.acw_seconds !== undefined
              ? { acwSeconds: request.body.acw_seconds }
              : {}),
          }),
          request.caller.timezone,
        ),
    );

    app.get(
      '/groups',
      {
        schema: {
          summary: "The app's skill groups",
          tags,
          response: { 200: Type.Object({ list: Type.Array(Group) }) },
        },
      },
      async (request) => ({
        list: (await agents.listGroups(request.caller.appId)).map((g) =>
          groupWire(g, request.caller.timezone),
        ),
      }),
    );

    app.get(
      '/groups/:id',
      {
        schema: {
          summary: 'One skill group with its agents',
          tags,
          params: IdParams,
          response: { 200: GroupDetail },
        },
      },
      async (request) => {
        const zone = request.caller.timezone;
        const { group, agents: members } = await agents.getGroup(
          request.caller.appId,
          Number(request.params.id),
        );
        return { ...groupWire(group, zone), agents: members.map((a) => agentWire(a, zone)) };
      },
    );

    app.patch(
      '/groups/:id',
      {
        schema: {
          summary: 'Rename a skill group or change its acw time',
          tags,
          params: IdParams,
          body: GroupPatch,
          response: { 200: Group },
        },
      },
      async (request) =>
        groupWire(
          await agents.updateGroup(request.caller.appId, Number(request.params.id), {
            ...(request.body.name !== undefined ? { name: request.body.name } : {}),
            ...(request.body.acw_seconds !== undefined
              ? { acwSeconds: request.body.acw_seconds }
              : {}),
          }),
          request.caller.timezone,
        ),
    );

    app.delete(
      '/groups/:id',
      {
        schema: {
          summary: 'Delete a skill group no agent belongs to (409 group_not_empty otherwise)',
          tags,
          params: IdParams,
          response: { 200: Type.Object({ group_id: Type.Integer(), deleted: Type.Boolean() }) },
        },
      },
      async (request) => {
        const groupId = Number(request.params.id);
        await agents.deleteGroup(request.caller.appId, groupId);
        return { group_id: groupId, deleted: true };
      },
    );

    app.post(
      '/agents',
      {
        schema: {
          summary: 'Create an agent (offline) in one or more skill groups',
          tags,
          body: AgentBody,
          response: { 200: Agent },
        },
      },
      async (request) => {
        const b = request.body;
        return agentWire(
          await agents.createAgent(request.caller.appId, {
            name: b.name,
            groupIds: b.group_ids,
            ...(b.simulated !== undefined ? { simulated: b.simulated } : {}),
            ...profileOf(b),
          }),
          request.caller.timezone,
        );
      },
    );

    app.get(
      '/agents',
      {
        schema: {
          summary: "The app's agents, with their states; group_id: one group's",
          tags,
          querystring: AgentListQuery,
          response: { 200: Type.Object({ list: Type.Array(Agent) }) },
        },
      },
      async (request) => ({
        list: (
          await agents.listAgents(
            request.caller.appId,
            request.query.group_id !== undefined ? { groupId: request.query.group_id } : {},
          )
        ).map((a) => agentWire(a, request.caller.timezone)),
      }),
    );

    app.get(
      '/agents/:id',
      { schema: { summary: 'One agent', tags, params: IdParams, response: { 200: Agent } } },
      async (request) =>
        agentWire(
          await agents.getAgent(request.caller.appId, Number(request.params.id)),
          request.caller.timezone,
        ),
    );

    app.patch(
      '/agents/:id',
      {
        schema: {
          summary: 'Rename an agent, change its groups or its simulated talk and wrap-up',
          tags,
          params: IdParams,
          body: AgentPatch,
          response: { 200: Agent },
        },
      },
      async (request) => {
        const b = request.body;
        return agentWire(
          await agents.updateAgent(request.caller.appId, Number(request.params.id), {
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.group_ids !== undefined ? { groupIds: b.group_ids } : {}),
            ...profileOf(b),
          }),
          request.caller.timezone,
        );
      },
    );

    app.delete(
      '/agents/:id',
      {
        schema: {
          summary: 'Delete a logged-out agent (409 agent_state_conflict otherwise)',
          tags,
          params: IdParams,
          response: { 200: Type.Object({ agent_id: Type.Integer(), deleted: Type.Boolean() }) },
        },
      },
      async (request) => {
        const agentId = Number(request.params.id);
        await agents.deleteAgent(request.caller.appId, agentId);
        return { agent_id: agentId, deleted: true };
      },
    );

    agentStateRoutes(app, states, calls);
  };
}

type Plugin = Parameters<FastifyPluginAsyncTypebox>[0];

const DESKTOP_ACTIONS: Record<DesktopAction, string> = {
  login: 'Log in: offline → ready',
  ready: 'Ready for calls: from break, or ending after-call work early',
  break: 'Take a break: from ready or acw',
  logout: 'Log out: from ready, break or acw → offline',
};

/** What the agent desktop uses: its actions, its current call, its disposition, its history. */
function agentStateRoutes(app: Plugin, states: AgentStateService, calls?: AgentCallEnder) {
  for (const [action, summary] of Object.entries(DESKTOP_ACTIONS)) {
    app.post(
      `/agents/:id/${action}`,
      {
        schema: {
          summary,
          description: 'A transition the state does not allow answers 409 agent_state_conflict.',
          tags,
          params: IdParams,
          response: { 200: Agent },
        },
      },
      async (request) =>
        agentWire(
          await states.act(
            request.caller.appId,
            Number(request.params.id),
            action as DesktopAction,
          ),
          request.caller.timezone,
        ),
    );
  }

  app.get(
    '/agents/:id/call',
    {
      schema: {
        summary: "The agent's current call with the contact's data (call null when none)",
        tags,
        params: IdParams,
        response: { 200: CurrentCall },
      },
    },
    async (request) =>
      currentCallWire(
        await states.currentCall(request.caller.appId, Number(request.params.id)),
        request.caller.timezone,
      ),
  );

  app.post(
    '/agents/:id/hangup',
    {
      schema: {
        summary: 'Hang up the call the agent is talking on: talking → acw',
        description:
          "After-call work lasts the task's acwTime (the group's acw_seconds without one); the dialer ends the line. Not talking answers 409 agent_state_conflict.",
        tags,
        params: IdParams,
        response: { 200: Agent },
      },
    },
    async (request) => {
      const { appId } = request.caller;
      const agentId = Number(request.params.id);
      const agent = calls
        ? await calls.hangupByAgent(appId, agentId)
        : await states.hangup(
            appId,
            agentId,
            (await states.currentCall(appId, agentId)).call_ref ?? '',
          );
      return agentWire(agent, request.caller.timezone);
    },
  );

  app.post(
    '/agents/:id/disposition',
    {
      schema: {
        summary: "File the call's result form and remarks (talking or acw)",
        description:
          'ready: true also ends after-call work now (in acw only; 409 while talking). Without it the agent stays in acw until its timer.',
        tags,
        params: IdParams,
        body: DispositionBody,
        response: { 200: DispositionResult },
      },
    },
    async (request) => {
      const { dispositionId, agent } = await states.dispose(
        request.caller.appId,
        Number(request.params.id),
        {
          customizeResults: request.body.customizeResults,
          ...(request.body.remarks !== undefined ? { remarks: request.body.remarks } : {}),
          ...(request.body.ready !== undefined ? { ready: request.body.ready } : {}),
        },
      );
      return {
        disposition_id: dispositionId,
        agent: agentWire(agent, request.caller.timezone),
      };
    },
  );

  app.get(
    '/agents/:id/states',
    {
      schema: {
        summary: "The agent's state changes, newest first",
        tags,
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: History },
      },
    },
    async (request) => ({
      list: (
        await states.history(
          request.caller.appId,
          Number(request.params.id),
          request.query.limit ?? 100,
        )
      ).map((c) => stateChangeWire(c, request.caller.timezone)),
    }),
  );
}

function profileOf(b: {
  talk_median_seconds?: number;
  talk_sigma?: number;
  acw_median_seconds?: number | null;
}) {
  return {
    ...(b.talk_median_seconds !== undefined ? { talkMedianSeconds: b.talk_median_seconds } : {}),
    ...(b.talk_sigma !== undefined ? { talkSigma: b.talk_sigma } : {}),
    ...(b.acw_median_seconds !== undefined ? { acwMedianSeconds: b.acw_median_seconds } : {}),
  };
}
