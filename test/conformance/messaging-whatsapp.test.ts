// The WhatsApp Cloud API adapter against the local Graph API server (test/fakes/whatsapp-cloud/),
// through the messaging conformance suite. The fake's webhooks reach a real HTTP endpoint on
// loopback that hands the raw bytes to channel.webhook.parse (deliverWebhook), so inbound events
// and statuses take the path they take in production.
import { PHONE_NUMBER_ID, startWhatsApp } from '../channels/whatsapp-cloud-harness.ts';
import { messagingConformance } from './messaging.conformance.ts';

const PERSON = '+6281234567000';
const UNREACHABLE = '+6281234567999';

messagingConformance('WhatsApp Cloud API', {
  async start() {
    const run = await startWhatsApp({ notOnWhatsApp: [UNREACHABLE] });
    // Free-form texts reach a person only inside their 24-hour window, which only their own
    // message opens (Meta's rule, kept by the fake): the person has written to us first.
    await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'Hello');
    return {
      channel: run.channel,
      sender: PHONE_NUMBER_ID,
      person: PERSON,
      unreachable: UNREACHABLE,
      async personSends(text) {
        await run.graph.userSends(PHONE_NUMBER_ID, PERSON, text);
      },
      async delivered(to) {
        return run.graph.received(to).map((s) => {
          const text = (s.body.text as { body?: string } | undefined)?.body;
          return { providerMessageId: s.wamid, ...(text !== undefined ? { text } : {}) };
        });
      },
      async throttleNext() {
        run.graph.failNext(130429);
      },
      async readMarked() {
        return run.graph.reads().map((r) => r.messageId);
      },
      stop: () => run.stop(),
    };
  },
});
