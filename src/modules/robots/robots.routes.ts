import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../store/db.ts';
import { listRobots } from './robots.repository.ts';

const RobotList = Type.Object({
  list: Type.Array(
    Type.Object({
      robot_id: Type.String({ description: 'Numeric string, as AIRudder robot ids' }),
      robot_name: Type.String(),
      language: Type.String(),
      business_type: Type.Union([
        Type.Literal('collection'),
        Type.Literal('telemarketing'),
        Type.Literal('info_check'),
      ]),
    }),
  ),
});

/** `GET /service/cloud/robot`: the robots this app may use in tasks. */
export function robotRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/robot',
      { schema: { summary: 'Fetch robot list', tags: ['tasks'], response: { 200: RobotList } } },
      async (request) => ({
        list: (await listRobots(db, request.caller.appId)).map((r) => ({
          robot_id: String(r.id),
          robot_name: r.name,
          language: r.language,
          business_type: r.business_line,
        })),
      }),
    );
  };
}
