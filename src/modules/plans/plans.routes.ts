import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { PlanService } from './plans.service.ts';
import {
  createdStrategyWire,
  planPageWire,
  planRecordingWire,
  planStatusWire,
  roundWire,
  strategyWire,
} from './plans.wire.ts';
import {
  CancelInPlan,
  CreatePlan,
  CreateStrategy,
  DryRunPlan,
  NumberInPlan,
  PlanForecast,
  PlanListQuery,
  PlanQuery,
  PlanStatusData,
  RoundInfo,
  StrategySummary,
} from './plans.schema.ts';

const tags = ['plans'];
const StrategyList = Type.Object({ list: Type.Array(StrategySummary) });

/** The calling-plan endpoints of spec/calls-api.md §7, mounted under /service/cloud. */
export function planRoutes(plans: PlanService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/strategy',
      {
        schema: { summary: 'Obtain the list of strategies', tags, response: { 200: StrategyList } },
      },
      async (request) => ({
        list: (await plans.listStrategies(request.caller)).map((s) =>
          strategyWire(s, request.caller.timezone),
        ),
      }),
    );

    app.post(
      '/plan',
      {
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          summary: 'Create a dialing plan with a strategy',
          tags,
          body: CreatePlan,
          response: { 200: Type.Object({ plan_id: Type.String() }) },
        },
      },
      async (request) => ({ plan_id: (await plans.create(request.caller, request.body)).planId }),
    );

    app.post(
      '/plan/dryrun',
      {
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          summary: 'Forecast a plan without creating it (inferred)',
          description:
            'Takes the body of POST /plan. Reports how many numbers each round will hold and dial, and how many each rule leaves out. Later rounds are forecast only on the simulated carrier.',
          tags,
          body: DryRunPlan,
          response: { 200: PlanForecast },
        },
      },
      (request) => plans.dryRun(request.caller, request.body),
    );

    app.get(
      '/plan/status',
      {
        schema: {
          summary: 'Obtain the information of plan status',
          tags,
          querystring: PlanQuery,
          response: { 200: PlanStatusData },
        },
      },
      async (request) =>
        planStatusWire(
          await plans.status(request.caller, request.query.plan_id),
          request.caller.timezone,
        ),
    );

    app.get(
      '/plan/list',
      {
        schema: {
          summary: "List the app's plans with their status and end reason (inferred)",
          tags,
          querystring: PlanListQuery,
          response: {
            200: Type.Object({
              total: Type.Integer(),
              page: Type.Integer(),
              page_size: Type.Integer(),
              list: Type.Array(PlanStatusData),
            }),
          },
        },
      },
      async (request) =>
        planPageWire(await plans.list(request.caller, request.query), request.caller.timezone),
    );

    app.get(
      '/plan/rounds',
      {
        schema: {
          summary: 'Obtain the information of each round of the plan',
          tags,
          querystring: PlanQuery,
          response: { 200: Type.Object({ list: Type.Array(RoundInfo) }) },
        },
      },
      async (request) => ({
        list: (await plans.rounds(request.caller, request.query.plan_id)).map((r) =>
          roundWire(r, request.caller.timezone),
        ),
      }),
    );

    app.post(
      '/plan/operation',
      {
        schema: {
          summary: 'Stop a plan (its running round and every later one)',
          tags,
          body: Type.Object({
            plan_id: Type.String({ minLength: 1, maxLength: 64 }),
            operation: Type.String({ minLength: 1, maxLength: 32, description: '"stop"' }),
          }),
          response: { 200: Type.Object({}) },
        },
      },
      async (request) => {
        await plans.operate(request.caller, request.body.plan_id, request.body.operation);
        return {};
      },
    );

    app.post(
      '/plan/cancelphonecall',
      {
        schema: {
          summary: 'Cancel a certain call in a plan (this round and every later one)',
          tags,
          body: CancelInPlan,
          response: { 200: Type.Object({ cancelled: Type.Integer() }) },
        },
      },
      (request) => plans.cancelNumber(request.caller, request.body),
    );

    app.get(
      '/plan/recordings',
      {
        schema: {
          summary: 'Obtain all call recordings of a number in the plan',
          tags,
          querystring: NumberInPlan,
          response: {
            200: Type.Object({
              list: Type.Array(
                Type.Object({
                  round: Type.Integer(),
                  task_id: Type.String(),
                  call_id: Type.String(),
                  call_start_time: Type.String(),
                  recording_url: Type.String(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({
        list: (await plans.recordingsOf(request.caller, request.query)).map((r) =>
          planRecordingWire(r, request.caller.timezone),
        ),
      }),
    );
  };
}

/** `/v1/strategies`: strategies are made here (AIRudder makes them in its web platform). */
export function strategyAdminRoutes(plans: PlanService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/strategies',
      { schema: { summary: 'List strategies', tags, response: { 200: StrategyList } } },
      async (request) => ({
        list: (await plans.listStrategies(request.caller)).map((s) =>
          strategyWire(s, request.caller.timezone),
        ),
      }),
    );
    app.post(
      '/strategies',
      {
        schema: {
          summary: 'Create a strategy: its rounds, robots, redial rules and intervals',
          tags,
          body: CreateStrategy,
          response: {
            200: Type.Object({
              strategy_id: Type.String(),
              strategy_name: Type.String(),
              round_count: Type.Integer(),
            }),
          },
        },
      },
      async (request) =>
        createdStrategyWire(await plans.createStrategy(request.caller, request.body)),
    );
  };
}
