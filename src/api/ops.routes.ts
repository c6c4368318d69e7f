import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../shared/clock.ts';
import type { Metrics } from '../shared/metrics.ts';
import type { Db } from '../store/db.ts';

export interface OpsOptions {
  db: Db;
  metrics: Metrics;
  clock: Clock;
  isReady: () => boolean;
}

/** Health, metrics and the OpenAPI document: no token, no envelope. */
export const opsRoutes: FastifyPluginAsync<OpsOptions> = async (
  app,
  { db, metrics, clock, isReady },
) => {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'starting' });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const [due] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM callees c JOIN tasks t ON t.id = c.task_id
       WHERE c.status = 'pending' AND c.next_attempt_at <= $1 AND t.status IN ('Waiting', 'Running')`,
      [clock.now()],
    );
    metrics.dialQueueDepth.set(due?.n ?? 0);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
