import { adminRoutes } from '../../modules/admin/admin.routes.ts';
import { agentRoutes } from '../../modules/agents/agents.routes.ts';
import { botChannelAdminRoutes } from '../../modules/chatbot/bot-channel.routes.ts';
import { eventReportRoutes } from '../../modules/chatbot/event-report.routes.ts';
import { inboxRoutes } from '../../modules/chatbot/inbox.routes.ts';
import { complianceRoutes } from '../../modules/compliance/compliance.routes.ts';
import { signingKeyRoutes } from '../../modules/auth/signing-keys.routes.ts';
import { dncRoutes } from '../../modules/dnc/dnc.routes.ts';
import { encryptionRoutes } from '../../modules/encryption/encryption.routes.ts';
import { messagingAdminRoutes } from '../../modules/messaging/messaging-admin.routes.ts';
import { strategyAdminRoutes } from '../../modules/plans/plans.routes.ts';
import { robotAdminRoutes } from '../../modules/robots/robots.routes.ts';
import { webhookRoutes } from '../../modules/webhooks/webhooks.routes.ts';
import { workflowTemplateV1Routes } from '../../modules/workflows/templates.routes.ts';
import { tokenAuth } from '../auth/token.ts';
import { statusEnvelope } from './envelope.ts';
import { defineFamily, httpStatusCode } from './family-definition.ts';

/**
 * Tiller's own API: what AIRudder has no endpoint for (webhook events, robots, strategies, DNC,
 * encryption and compliance settings, the dialer's skill groups and agents) and, on the server that holds the embedded store, the
 * CLI's admin API. Takes its documented shapes only (no wire habits).
 */
export const v1Family = defineFamily({
  name: 'v1',
  title: 'Tiller',
  prefixes: ['/v1'],
  envelope: statusEnvelope,
  errorCode: httpStatusCode,
  errorCodeDoc: '`code` mirrors the HTTP status, as in the cloud family.',
  authentication: (services) => tokenAuth(services.auth),
  wireHabits: false,
  encryption: (services) => services.encryption,
  routes: (services, options) => [
    webhookRoutes(services.webhooks),
    robotAdminRoutes(services.robots),
    strategyAdminRoutes(services.plans),
    dncRoutes(services.dnc),
    encryptionRoutes(services.encryption),
    complianceRoutes(services.compliance),
    signingKeyRoutes(services.auth.signingKeys),
    inboxRoutes(services.inbox),
    botChannelAdminRoutes(services.botChannels),
    eventReportRoutes(services.company),
    messagingAdminRoutes(services.messaging),
    workflowTemplateV1Routes(services.workflowTemplates),
    agentRoutes(services.agents, services.agentStates, services.pdsCalls),
    ...(options.adminToken ? [adminRoutes(services, options.adminToken)] : []),
  ],
});
