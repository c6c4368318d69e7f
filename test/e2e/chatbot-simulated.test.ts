import { after, before, describe, it } from 'node:test';
import type { InboundContent } from '../../src/channels/messaging/messaging-channel.ts';
import { messagingPersonaNumber } from '../../src/channels/messaging/simulated/messaging-personas.ts';
import { SimulatedChannel } from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';
import { storeKind } from '../helpers/db.ts';
import { chatFlow, type ChatWorld } from './chat-flow.ts';

// Issue 11's end-to-end conversation on the simulated channel: the same flow as over the Cloud
// API, with a simulated person who only reads (persona reads_only), so the test says each of
// their messages; the channel's statuses, windows and taps are the simulator's own.

const SENDER = '+6583753709';
let channel: SimulatedChannel | undefined;
const sim = () => {
  if (!channel) throw new Error('the simulated channel is not built yet');
  return channel;
};

const world: ChatWorld = {
  name: 'simulated',
  wireChannel: 'Simulated',
  person: messagingPersonaNumber('reads_only', 1),
  channel: { kind: 'simulated', config: {} },
  sender: SENDER,
  attach: async () => {},
  async act(person, action) {
    const content: InboundContent =
      action.type === 'text'
        ? { type: 'text', text: action.text }
        : action.type === 'quick_reply'
          ? { type: 'button', button: { text: action.text, payload: action.text } }
          : { type: 'choice', choice: { kind: 'button', id: action.id, title: action.title } };
    await sim().personSends(person, SENDER, content);
  },
  // Nothing was sent before the server built the adapter (at the channel's first send).
  received: (person) =>
    (channel?.sentTo(person) ?? []).map((m) => ({
      type: m.content.type,
      body: graphBody(m.content),
    })),
  close: async () => {},
};

/** The simulator's sends in the Graph shapes the flow reads (text body, interactive body). */
function graphBody(content: Record<string, unknown>): Record<string, unknown> {
  const c = content as { type: string; text?: string; interactive?: Record<string, unknown> };
  if (c.type === 'text') return { text: { body: c.text } };
  if (c.type === 'interactive') {
    const i = c.interactive as {
      type: string;
      body: string;
      buttons?: Array<{ id: string; title: string }>;
      sections?: Array<{ rows: Array<{ id: string; title: string }> }>;
    };
    return {
      interactive: {
        type: i.type,
        body: { text: i.body },
        action:
          i.type === 'button'
            ? { buttons: (i.buttons ?? []).map((reply) => ({ type: 'reply', reply })) }
            : { sections: i.sections ?? [] },
      },
    };
  }
  return {};
}

describe(`a WhatsApp-like chatbot conversation on the simulated channel (${storeKind})`, () => {
  const flow = chatFlow(world);
  before(async () => {
    await flow.start((spec, real) => {
      if (spec.kind !== 'simulated') return real(spec);
      channel = new SimulatedChannel({ timeScale: 1000 });
      return channel;
    });
  });
  after(() => flow.stop());

  it('template, quick reply, bot turns, transfer, agent, user replies, end, report', async () => {
    await flow.run();
  });
});
