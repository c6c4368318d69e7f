import { smsRoutes } from '../../modules/messaging/sms.routes.ts';
import { tokenAuth } from '../auth/token.ts';
import { bodyEnvelope } from './envelope.ts';
import { defineFamily, httpStatusCode } from './family-definition.ts';

/** AIRudder's SMS send (spec/workflow-api.md Appendix A, docs/messaging.md): cloud token auth. */
export const smsFamily = defineFamily({
  name: 'sms',
  title: 'SMS',
  prefixes: ['/service/sms'],
  envelope: bodyEnvelope,
  errorCode: httpStatusCode,
  errorCodeDoc: '`code` is 0 on success and the HTTP status of the error otherwise.',
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: false,
  encryption: (services) => services.encryption,
  routes: (services) => [smsRoutes(services.messaging)],
});
