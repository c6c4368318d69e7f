import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startFakeGraph, type FakeGraph } from '../fakes/whatsapp-cloud/fake-graph-server.ts';
import { chatFlow, type ChatWorld } from './chat-flow.ts';

// Issue 11's end-to-end conversation on the WhatsApp Cloud API adapter against the local Graph
// API server: every message really goes over HTTP in Meta's request format, and every user
// message, status and tap comes back as a signed webhook to /webhooks/whatsapp/<channel_id>.

const PHONE_NUMBER_ID = '109876543210';
let graph: FakeGraph;
/** The wamid of the last message the fake accepted for a person: what a tap quotes. */
const lastWamid = (person: string) => graph.received(person).at(-1)?.wamid;

const world: ChatWorld = {
  name: 'cloud',
  // The seed's user (spec/chatbot-api.md §9.9).
  wireChannel: 'WhatsApp',
  person: '+62895402190807',
  channel: { kind: 'whatsapp', config: {} },
  async attach(server, channelId) {
    await graph.subscribe(`${server.url}/webhooks/whatsapp/${channelId}`, 'verify-e2e', [
      PHONE_NUMBER_ID,
    ]);
  },
  async act(person, action) {
    const context = lastWamid(person);
    const options = context ? { contextId: context } : {};
    if (action.type === 'text')
      await graph.userSends(PHONE_NUMBER_ID, person, action.text, options);
    else if (action.type === 'quick_reply') {
      const template = graph.received(person).find((m) => m.type === 'template');
      await graph.userSends(
        PHONE_NUMBER_ID,
        person,
        { type: 'button', text: action.text, payload: action.text },
        template ? { contextId: template.wamid } : options,
      );
    } else {
      const menu = graph.received(person).findLast((m) => m.type === 'interactive');
      const kind = (menu?.body.interactive as { type?: string } | undefined)?.type;
      await graph.userSends(
        PHONE_NUMBER_ID,
        person,
        kind === 'list'
          ? { type: 'list_reply', id: action.id, title: action.title }
          : { type: 'button_reply', id: action.id, title: action.title },
        menu ? { contextId: menu.wamid } : options,
      );
    }
  },
  received: (person) => graph.received(person).map((m) => ({ type: m.type, body: m.body })),
  close: () => graph.close(),
};

describe(`a WhatsApp chatbot conversation over the Cloud API adapter (${storeKind})`, () => {
  const flow = chatFlow(world);
  before(async () => {
    graph = await startFakeGraph({
      phoneNumberIds: [PHONE_NUMBER_ID],
      templates: [
        { name: 'payment_reminder', language: 'en', category: 'UTILITY', body: 2, quickReplies: 2 },
      ],
      webhook: { read: true },
    });
    world.channel.config = {
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: graph.accessToken,
      appSecret: graph.appSecret,
      verifyToken: 'verify-e2e',
      graphUrl: graph.url,
    };
    await flow.start();
  });
  after(() => flow.stop());

  it('template, quick reply, bot turns, transfer, agent, user replies, end, report', async () => {
    await flow.run();
  });
});
