import type { CallControl } from '../channels/telephony/call-control.ts';
import { forecasterOf } from '../channels/telephony/forecast.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics.ts';
import type { Db } from '../store/db.ts';
import { JobAdmin } from '../queue/job-admin.ts';
import { join } from 'node:path';
import type { Nlu } from '../dialogue/nlu/nlu.ts';
import type { Tts } from '../dialogue/tts/tts.ts';
import { FileRecordingStore } from './recordings/recording-store.ts';
import { RecordingService } from './recordings/recordings.service.ts';
import { createNlu } from '../dialogue/nlu/llm-nlu.ts';
import { AgentStateService } from './agents/agent-state.service.ts';
import { AgentService } from './agents/agents.service.ts';
import { PdsCallService } from './pds/dialer/pds-calls.service.ts';
import { AuthService } from './auth/auth.service.ts';
import { ConversationService } from './conversations/conversations.service.ts';
import { ChatbotService } from './chatbot/chatbot.service.ts';
import { botChannelTransport } from './chatbot/bot-channel-transport.ts';
import { BotChannelService } from './chatbot/bot-channel.service.ts';
import { MESSAGING_CHANNELS, messagingTransport } from './chatbot/chat-transport.ts';
import { CompanyService } from './chatbot/company.service.ts';
import { InboxService } from './chatbot/inbox.service.ts';
import { ComplianceService } from './compliance/compliance.service.ts';
import { ComplianceSettingsService } from './compliance/compliance.settings.ts';
import { DncService } from './dnc/dnc.service.ts';
import { EncryptionService } from './encryption/encryption.service.ts';
import { PlanService } from './plans/plans.service.ts';
import { RobotService } from './robots/robots.service.ts';
import { TaskService } from './tasks/tasks.service.ts';
import { WebhookService } from './webhooks/webhooks.service.ts';
import type { ChannelFactory } from './messaging/channel-registry.ts';
import { MessagingService } from './messaging/messaging.service.ts';
import { UploadService } from './uploads/uploads.service.ts';
import { WorkflowEngine } from './workflows/engine.ts';
import { PdsNodeTaskMaker } from './pds/tasks/pds-node-tasks.ts';
import { WorkflowLifecycle } from './workflows/workflow-lifecycle.ts';
import { WorkflowService } from './workflows/workflows.service.ts';
import { WorkflowQueryService } from './workflows/workflow-queries.service.ts';
import { WorkflowTemplateService } from './workflows/templates.service.ts';
import { FileObjectStore } from '../shared/file-object-store.ts';
import { PdsTaskService } from './pds/tasks/pds-task.service.ts';

/** Everything the API and the workers share, built once per process. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  metrics: Metrics;
  callControl: CallControl;
  auth: AuthService;
  robots: RobotService;
  tasks: TaskService;
  webhooks: WebhookService;
  encryption: EncryptionService;
  plans: PlanService;
  dnc: DncService;
  compliance: ComplianceSettingsService;
  /** The one compliance check every channel asks, and the contact ledger (docs/contact-ledger.md). */
  contacts: ComplianceService;
  recordings: RecordingService;
  /** Files uploaded to send as chat media, and their signed links (docs/uploads.md). */
  uploads: UploadService;
  conversations: ConversationService;
  /** Chatbot sessions, takeover and reports (docs/chatbot.md). */
  chatbot: ChatbotService;
  /** The agent inbox (docs/agent-inbox.md). */
  inbox: InboxService;
  /** Huawei and bot channels (docs/chatbot-variants.md). */
  botChannels: BotChannelService;
  /** Company endpoints and event reports (docs/chatbot-variants.md). */
  company: CompanyService;
  nlu: Nlu;
  tts: Tts;
  /** Parked jobs, for `tiller jobs` through the admin API. */
  jobs: JobAdmin;
  /** WABA accounts, SMS senders, templates, sends and inbound messages (docs/messaging.md). */
  messaging: MessagingService;
  /** Workflow instances and their lists (docs/workflows.md). */
  workflows: WorkflowService;
  /** Walks workflow records through their graphs (the workflow.step job). */
  workflowEngine: WorkflowEngine;
  /** Ends workflows at their end_time (the workflow.end job). */
  workflowLifecycle: WorkflowLifecycle;
  /** The Workflow family's query endpoints (docs/workflow-api.md, "Query endpoints"). */
  workflowQueries: WorkflowQueryService;
  /** Workflow templates: versioned node graphs per app (docs/workflows.md). */
  workflowTemplates: WorkflowTemplateService;
  /** Skill groups and the predictive dialer's human agents (docs/agents.md). */
  agents: AgentService;
  /** The agents' state machine: desktop actions, reservations, the acw timer (docs/agents.md). */
  agentStates: AgentStateService;
  /** The PDS API's tasks: createtask, copytask, the queries, cancel, recordings (docs/pds-api.md). */
  pdsTasks: PdsTaskService;
  /** What the agent desktop asks of a PDS call: hang up (docs/pds-dialer.md). */
  pdsCalls: PdsCallService;
}

export function createServices(
  base: Omit<
    Services,
    | 'auth'
    | 'robots'
    | 'tasks'
    | 'webhooks'
    | 'encryption'
    | 'plans'
    | 'dnc'
    | 'compliance'
    | 'contacts'
    | 'recordings'
    | 'uploads'
    | 'conversations'
    | 'chatbot'
    | 'inbox'
    | 'botChannels'
    | 'company'
    | 'nlu'
    | 'jobs'
    | 'messaging'
    | 'workflows'
    | 'workflowEngine'
    | 'workflowLifecycle'
    | 'workflowQueries'
    | 'workflowTemplates'
    | 'agents'
    | 'agentStates'
    | 'pdsTasks'
    | 'pdsCalls'
  > & {
    nlu?: Nlu;
    /** Builds each messaging channel's adapter (the runtime wires the real ones). */
    channels?: ChannelFactory;
  },
): Services {
  const { config } = base;
  const recordings = new RecordingService({
    db: base.db,
    store: new FileRecordingStore(join(config.dataDir, 'recordings')),
    clock: base.clock,
    publicUrl: config.publicUrl,
    linkSecret: config.linkSecret,
  });
  const tasks = new TaskService(base.db, config, base.clock, recordings);
  const nlu =
    base.nlu ??
    createNlu({ llmUrl: config.llmUrl, llmKey: config.llmKey, llmModel: config.llmModel });
  const conversations = new ConversationService(base.db, base.clock, nlu);
  const messaging = new MessagingService({
    db: base.db,
    clock: base.clock,
    log: base.log,
    ...(base.channels ? { channels: base.channels } : {}),
  });
  // Replies of a session go out through its channel: the messaging channels' sends, the
  // Huawei/bot variants' callbacks.
  const chatbot = new ChatbotService({
    db: base.db,
    clock: base.clock,
    conversations,
    transports: Object.fromEntries(
      MESSAGING_CHANNELS.map((channel) => [channel, messagingTransport(messaging)]),
    ),
  });
  chatbot.addTransport('HuaWei', botChannelTransport('huawei', base.clock));
  chatbot.addTransport('bot', botChannelTransport('bot', base.clock));
  const robots = new RobotService(base.db);
  const agents = new AgentService(base.db, base.clock);
  const agentStates = new AgentStateService(base.db, base.clock);
  return {
    ...base,
    nlu,
    auth: new AuthService(base.db, base.config, base.clock),
    robots,
    recordings,
    uploads: new UploadService({
      db: base.db,
      store: new FileObjectStore(join(config.dataDir, 'uploads'), 'upload'),
      clock: base.clock,
      publicUrl: config.publicUrl,
      linkKey: () => recordings.linkKey(),
    }),
    tasks,
    plans: new PlanService(base.db, base.clock, tasks, recordings, {
      forecaster: forecasterOf(base.callControl),
      nlu,
    }),
    webhooks: new WebhookService(base.db),
    encryption: new EncryptionService(base.db),
    dnc: new DncService(base.db),
    compliance: new ComplianceSettingsService(base.db),
    contacts: new ComplianceService(base.db),
    jobs: new JobAdmin(base.db, base.clock),
    conversations,
    messaging,
    chatbot,
    inbox: new InboxService(base.db, base.clock, chatbot),
    botChannels: new BotChannelService(base.db, base.clock, chatbot),
    company: new CompanyService(base.db, base.clock, messaging),
    workflows: new WorkflowService(base.db, base.clock),
    workflowEngine: new WorkflowEngine({
      db: base.db,
      clock: base.clock,
      callerNumber: (line) => tasks.callerNumber(line),
      pdsNodes: new PdsNodeTaskMaker(agents),
    }),
    workflowLifecycle: new WorkflowLifecycle(base.db, base.clock),
    workflowQueries: new WorkflowQueryService({ db: base.db, recordings }),
    workflowTemplates: new WorkflowTemplateService(base.db, base.clock),
    agents,
    agentStates,
    pdsTasks: new PdsTaskService({
      db: base.db,
      clock: base.clock,
      tasks,
      agents,
      robots,
      recordings,
      callerNumber: config.defaultCallerNumber,
    }),
    pdsCalls: new PdsCallService(base.db, agentStates),
  };
}
