import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RobotService } from './robots.service.ts';
import { cloudRobotWire, robotVersionWire, robotWire } from './robots.wire.ts';

const BusinessType = Type.Union([
  Type.Literal('collection'),
  Type.Literal('telemarketing'),
  Type.Literal('info_check'),
]);

const RobotList = Type.Object({
  list: Type.Array(
    Type.Object({
      robot_id: Type.String({ description: 'Numeric string, as AIRudder robot ids' }),
      robot_name: Type.String(),
      language: Type.String(),
      business_type: BusinessType,
      version: Type.Integer(),
    }),
  ),
});

/** `GET /service/cloud/robot`: the robots this app may use in tasks. */
export function robotRoutes(robots: RobotService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/robot',
      { schema: { summary: 'Fetch robot list', tags: ['tasks'], response: { 200: RobotList } } },
      async (request) => ({
        list: (await robots.list(request.caller.appId)).map(cloudRobotWire),
      }),
    );
  };
}

const RobotSummary = Type.Object({
  robot_id: Type.String(),
  name: Type.String(),
  business_line: BusinessType,
  language: Type.String(),
  version: Type.Integer(),
  built_in: Type.Boolean(),
  updated_at: Type.String({ description: 'YYYY-MM-DD HH:MM:SS in the app time zone' }),
});
const Definition = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A robot definition (docs/robots.md); validated by the server',
});
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const tags = ['robots'];

/** `/v1/robots`: manage the app's robot definitions (every change is a new version). */
export function robotAdminRoutes(robots: RobotService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/robots',
      {
        schema: {
          summary: 'List robots (own and built-in)',
          tags,
          response: { 200: Type.Object({ list: Type.Array(RobotSummary) }) },
        },
      },
      async (request) => ({
        list: (await robots.list(request.caller.appId)).map((r) =>
          robotWire(r, request.caller.timezone),
        ),
      }),
    );

    app.get(
      '/robots/:id',
      {
        schema: {
          summary: 'One robot with its definition and versions',
          tags,
          params: IdParams,
          response: {
            200: Type.Object({
              ...RobotSummary.properties,
              definition: Definition,
              versions: Type.Array(
                Type.Object({ version: Type.Integer(), created_at: Type.String() }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const { robot, versions } = await robots.get(
          request.caller.appId,
          Number(request.params.id),
        );
        return {
          ...robotWire(robot, request.caller.timezone),
          definition: robot.definition,
          versions: versions.map((v) => robotVersionWire(v, request.caller.timezone)),
        };
      },
    );

    app.post(
      '/robots',
      {
        bodyLimit: 2 * 1024 * 1024,
        schema: {
          summary: 'Add a robot, or a new version of the robot with the same name',
          tags,
          body: Definition,
          response: { 200: Type.Object({ ...RobotSummary.properties, created: Type.Boolean() }) },
        },
      },
      async (request) => {
        const { robot, created } = await robots.save(request.caller.appId, request.body);
        return { ...robotWire(robot, request.caller.timezone), created };
      },
    );

    app.put(
      '/robots/:id',
      {
        bodyLimit: 2 * 1024 * 1024,
        schema: {
          summary: "Replace a robot's definition (a new version)",
          tags,
          params: IdParams,
          body: Definition,
          response: { 200: RobotSummary },
        },
      },
      async (request) =>
        robotWire(
          await robots.update(request.caller.appId, Number(request.params.id), request.body),
          request.caller.timezone,
        ),
    );
  };
}
