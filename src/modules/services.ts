import type { Carrier } from '../channels/telephony/carrier.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics.ts';
import type { Db } from '../store/db.ts';
import { AuthService } from './auth/auth.service.ts';
import { TaskService } from './tasks/tasks.service.ts';
import { WebhookService } from './webhooks/webhooks.service.ts';

/** Everything the API and the workers share, built once per process. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  metrics: Metrics;
  carrier: Carrier;
  auth: AuthService;
  tasks: TaskService;
  webhooks: WebhookService;
}

export function createServices(base: Omit<Services, 'auth' | 'tasks' | 'webhooks'>): Services {
  return {
    ...base,
    auth: new AuthService(base.db, base.config, base.clock),
    tasks: new TaskService(base.db, base.config, base.clock),
    webhooks: new WebhookService(base.db),
  };
}
