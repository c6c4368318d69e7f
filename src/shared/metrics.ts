import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (a registry each, so tests can run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tiller_process_' });
  return {
    registry,
    callsTotal: new Counter({
      name: 'tiller_calls_total',
      help: 'Dial attempts that ended, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    dialQueueDepth: new Gauge({
      name: 'tiller_dial_queue_depth',
      help: 'Callees due for dialling now (pending, next attempt time passed)',
      registers: [registry],
    }),
    callsInFlight: new Gauge({
      name: 'tiller_calls_in_flight',
      help: 'Calls this process is dialling or talking on',
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'tiller_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by result (delivered, failed_attempt, exhausted)',
      labelNames: ['result'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'tiller_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
