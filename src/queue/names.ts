// Every job queue and domain event name of Tiller, in one place: the names are stored in the
// database (jobs.queue, job keys), so renaming one strands the rows written under the old name.
// Modules define their typed jobs and events from these (defineJob, defineEvent).

export const QUEUES = {
  /** A task's end_time: expire what still waits (tasks module). */
  taskEnd: 'task.end',
  /** A plan round's task ended: start the next round or end the plan (plans module). */
  planAdvance: 'plan.advance',
  /** Inbound webhook bodies of a messaging provider, stored raw: parse and apply (messaging). */
  messagingInbound: 'messaging.inbound',
  /** A chat message for the chatbot to answer, in order per session (chatbot module). */
  chatbotTurn: 'chatbot.turn',
  /** A message the chatbot sent changed status: update the transcript, call back (chatbot). */
  chatbotStatus: 'chatbot.status',
  /** A bot session's inactivity timer: close it when the user stayed silent 24 h (chatbot). */
  chatbotIdle: 'chatbot.idle',
  /** A snoozed session's time came: back to its agent (chatbot). */
  chatbotWake: 'chatbot.wake',
  /** A workflow's records whose time came: walk them through the graph (workflows module). */
  workflowStep: 'workflow.step',
  /** A workflow's end_time: stop what is still in the graph (workflows module). */
  workflowEnd: 'workflow.end',
  /** An agent's after-call work time is up: back to ready (agents module). */
  agentAcwEnd: 'agent.acw_end',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const EVENTS = {
  /** A task is final (Finished, or Stopped with no call left up), with its counts. */
  taskFinished: 'task.finished',
  /** A number's dialling is final: no attempt of it will follow. */
  callFinal: 'call.final',
  /** A plan handled the end of one of its rounds (the next round starts, or the plan ends). */
  planRoundFinished: 'plan.round_finished',
  /** A plan ended: Finished, Stopped or Failed. */
  planFinished: 'plan.finished',
  /** A person's message arrived on a messaging channel (messaging module). */
  messageReceived: 'message.received',
  /** A message we sent changed status: sent, delivered, read, failed (messaging module). */
  messageStatusChanged: 'message.status_changed',
  /** A chatbot session changed status (pending, open, resolved, snoozed, closed) (chatbot). */
  chatSessionChanged: 'chat.session_changed',
  /** A message was stored in a chatbot session's transcript (chatbot). */
  chatMessageAdded: 'chat.message_added',
  /** A chatbot session ended and its §9.13 report was made (chatbot). */
  chatSessionReported: 'chat.session_reported',
  /** A dialer agent changed state: logged in, reserved, talking, after-call work... (agents). */
  agentStateChanged: 'agent.state_changed',
  /** A dialer agent filed the result form of a call (agents). */
  agentDispositionFiled: 'agent.disposition_filed',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
