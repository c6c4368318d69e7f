import type { EventBus } from '../queue/domain-events.ts';
import type { JobRunner } from '../queue/job-runner.ts';
import type { Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import type { AgentStateService } from './agents/agent-state.service.ts';
import { agentAcwEndJob } from './agents/agents.jobs.ts';
import { AGENT_DISPOSITION_FILED, AGENT_STATE_CHANGED } from './agents/agent-events.ts';
import {
  pdsAgentWebhooks,
  pdsTalkResults,
  pdsTaskWebhooks,
} from './pds/webhooks/pds-webhook-subscribers.ts';
import { RecLinks } from './pds/webhooks/rec-links.ts';
import { planRounds, planAdvanceJob } from './plans/plans.jobs.ts';
import { PLAN_FINISHED, planWebhooks } from './plans/plan-events.ts';
import type { PlanService } from './plans/plans.service.ts';
import { messagingInboundJob } from './messaging/messaging.jobs.ts';
import type { MessagingService } from './messaging/messaging.service.ts';
import { taskEndJob } from './tasks/tasks.jobs.ts';
import {
  chatbotIdleJob,
  chatbotStatuses,
  chatbotStatusJob,
  chatbotTurnJob,
  chatbotTurns,
  chatbotWakeJob,
} from './chatbot/chatbot.jobs.ts';
import type { ChatbotService } from './chatbot/chatbot.service.ts';
import {
  CHAT_MESSAGE_ADDED,
  CHAT_SESSION_CHANGED,
  CHAT_SESSION_REPORTED,
} from './chatbot/chat-events.ts';
import { messageReports, statusReports } from './chatbot/event-report.ts';
import { inboxWebhooks } from './chatbot/inbox-events.ts';
import { MESSAGE_RECEIVED, MESSAGE_STATUS_CHANGED } from './messaging/messaging-events.ts';
import { CALL_FINAL, callWebhooks, TASK_FINISHED, taskWebhooks } from './tasks/task-events.ts';
import type { WorkflowEngine } from './workflows/engine.ts';
import type { WorkflowLifecycle } from './workflows/workflow-lifecycle.ts';
import {
  workflowCalls,
  workflowChats,
  workflowTemplateReplies,
  workflowTemplateStatuses,
} from './workflows/workflow-subscribers.ts';
import { workflowEndJob, workflowStepJob } from './workflows/workflows.jobs.ts';

// Who reacts to what, in one place: the job handlers a worker runs, and the subscribers of each
// domain event (docs/domain-events.md has the catalogue). Modules define their jobs and
// subscribers; only this file puts them together, so no module has to know another's.

/**
 * Subscribes every module's subscribers to the bus. Every process does it (an API-only process
 * stops tasks, which publishes task.finished); doing it again replaces them by name, so the
 * chatbot that answers eagerly is that of the runtime started last (one per process).
 */
export function subscribeModules(
  bus: EventBus,
  deps: { chatbot: ChatbotService; recLinks?: RecLinks },
): void {
  // Customer webhooks: in the publisher's transaction, so the outbox row commits with the change.
  bus.inTransaction(CALL_FINAL, callWebhooks);
  bus.inTransaction(TASK_FINISHED, taskWebhooks);
  bus.inTransaction(PLAN_FINISHED, planWebhooks);
  // Plan rounds: a round task that finished moves its plan on, in a job.
  bus.viaJob(TASK_FINISHED, planRounds);
  // Chatbot: a person's message is a turn; a sent message's status follows into the transcript.
  // Both run in the transaction that applied what the provider sent, a job only when that throws
  // (a job hop per turn was most of a reply's latency: docs/performance.md).
  bus.eagerJob(MESSAGE_RECEIVED, chatbotTurns(deps.chatbot));
  bus.eagerJob(MESSAGE_STATUS_CHANGED, chatbotStatuses(deps.chatbot));
  // Agent inbox webhooks and company event reports: in the transaction of the change.
  bus.inTransaction(CHAT_SESSION_CHANGED, inboxWebhooks);
  bus.inTransaction(CHAT_MESSAGE_ADDED, messageReports);
  bus.inTransaction(MESSAGE_STATUS_CHANGED, statusReports);
  // Workflows: a node's outcome (a call's end, a template's status or answer, a chat's end)
  // becomes the record's fact in the transaction that made it true; a step job walks it on.
  bus.inTransaction(CALL_FINAL, workflowCalls);
  bus.inTransaction(MESSAGE_STATUS_CHANGED, workflowTemplateStatuses);
  bus.inTransaction(MESSAGE_RECEIVED, workflowTemplateReplies);
  bus.inTransaction(CHAT_SESSION_REPORTED, workflowChats);
  // PDS webhooks (TaskStatus, AgentStatus) of the changes other modules make: in their transaction.
  bus.inTransaction(AGENT_STATE_CHANGED, pdsAgentWebhooks);
  bus.inTransaction(
    AGENT_DISPOSITION_FILED,
    pdsTalkResults(deps.recLinks ?? new RecLinks(undefined)),
  );
  bus.inTransaction(TASK_FINISHED, pdsTaskWebhooks);
}

/** Registers the handler of every job type with a worker's runner. */
export function registerJobHandlers(
  runner: JobRunner,
  deps: {
    db: Db;
    clock: Clock;
    plans: PlanService;
    chatbot: ChatbotService;
    messaging: MessagingService;
    workflowEngine: WorkflowEngine;
    workflowLifecycle: WorkflowLifecycle;
    agentStates: AgentStateService;
  },
): void {
  runner.add(taskEndJob(deps.db, deps.clock));
  runner.add(planAdvanceJob(deps.plans));
  runner.add(messagingInboundJob(deps.db, deps.clock, deps.messaging));
  runner.add(chatbotTurnJob(deps.chatbot));
  runner.add(chatbotStatusJob(deps.chatbot));
  runner.add(chatbotIdleJob(deps.chatbot));
  runner.add(chatbotWakeJob(deps.chatbot));
  runner.add(workflowStepJob(deps.workflowEngine));
  runner.add(workflowEndJob(deps.workflowLifecycle));
  runner.add(agentAcwEndJob(deps.agentStates));
}
