import type { WorkflowGraph } from './graph.ts';

// The templates every app starts with, one per business line (docs/workflows.md, "Built-in
// templates"). Each app gets its own copy (templates.repository.ts, ensureBuiltins), so the ids are
// the app's and an edited copy imported under the same name becomes the version workflows use.
//
// The robots are the built-in ones (src/modules/robots/builtin/): 4496 collection call, 4502 the
// collection chatbot bound to the WhatsApp template, 4497 order confirmation, 4498 info check.
// What only the app can know (its WABA channel and approved template, its SMS sender, its CRM's
// URL) are the placeholders below, to edit before use: a workflow run on them as shipped fails at
// that node, with the messaging module's "channel not found", rather than sending from a guess.

export const PLACEHOLDERS = {
  wabaChannelId: 'YOUR_WABA_CHANNEL_ID',
  /** The J&T seed's template id; the app's own approved template replaces it. */
  wabaTemplateId: 288,
  smsSender: 'YOUR_SMS_SENDER',
  pushUrl: 'https://crm.example.com/tiller/workflow-push',
} as const;

const collection: WorkflowGraph = {
  name: 'collection_call_waba_api',
  description:
    'Collection: a robot call; not reached, a WhatsApp reminder whose replies the collection chatbot answers; every record pushed to the CRM.',
  business_line: 'collection',
  nodes: [
    { id: 'start', name: 'Start', type: 'start', next: 'call' },
    {
      id: 'call',
      name: 'Reminder call',
      type: 'call',
      robot_id: '4496',
      redial_times: 2,
      redial_interval: 30,
      next: 'connected',
    },
    {
      id: 'connected',
      name: 'Reached?',
      type: 'branch',
      rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'whatsapp' }],
      default: 'push',
    },
    {
      id: 'whatsapp',
      name: 'WhatsApp reminder',
      type: 'waba',
      channel_id: PLACEHOLDERS.wabaChannelId,
      template_id: PLACEHOLDERS.wabaTemplateId,
      robot_id: '4502',
      timeout_minutes: 1440,
      next: 'push',
    },
    { id: 'push', name: 'Push to CRM', type: 'api', url: PLACEHOLDERS.pushUrl, next: 'done' },
    { id: 'done', name: 'Done', type: 'end' },
  ],
};

const marketing: WorkflowGraph = {
  name: 'marketing_call_sms',
  description:
    'Marketing and e-commerce: an order confirmation call; a confirmed order (intention A or B) gets an SMS offer.',
  business_line: 'marketing',
  nodes: [
    { id: 'start', name: 'Start', type: 'start', next: 'call' },
    {
      id: 'call',
      name: 'Order confirmation call',
      type: 'call',
      robot_id: '4497',
      redial_times: 1,
      redial_interval: 60,
      next: 'confirmed',
    },
    {
      id: 'confirmed',
      name: 'Confirmed?',
      type: 'branch',
      rules: [{ when: [{ field: 'call.intention', op: 'in', value: ['A', 'B'] }], next: 'offer' }],
      default: 'done',
    },
    {
      id: 'offer',
      name: 'SMS offer',
      type: 'sms',
      from: PLACEHOLDERS.smsSender,
      message:
        'Hi {{callee_name}}, thank you for your order! Use code THANKS10 for 10% off your next one.',
      next: 'done',
    },
    { id: 'done', name: 'Done', type: 'end' },
  ],
};

const infoCheck: WorkflowGraph = {
  name: 'infocheck_call_retry_api',
  description:
    'Info check: a verification call; not reached, another call at 09:00 in the callee’s zone; the result pushed to the CRM.',
  business_line: 'infocheck',
  nodes: [
    { id: 'start', name: 'Start', type: 'start', next: 'call' },
    { id: 'call', name: 'Verification call', type: 'call', robot_id: '4498', next: 'connected' },
    {
      id: 'connected',
      name: 'Reached?',
      type: 'branch',
      rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'morning' }],
      default: 'push',
    },
    { id: 'morning', name: 'Next morning', type: 'wait', until: '09:00', next: 'call_again' },
    {
      id: 'call_again',
      name: 'Verification call again',
      type: 'call',
      robot_id: '4498',
      next: 'push',
    },
    { id: 'push', name: 'Push to CRM', type: 'api', url: PLACEHOLDERS.pushUrl, next: 'done' },
    { id: 'done', name: 'Done', type: 'end' },
  ],
};

/** The built-in graphs, oldest first (the order an app receives them in). */
export function builtinTemplates(): WorkflowGraph[] {
  return structuredClone([collection, marketing, infoCheck]);
}
