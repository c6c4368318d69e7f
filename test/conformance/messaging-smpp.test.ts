// The SMPP adapter against the local SMS centre (test/fakes/smpp-centre.ts), through the
// messaging conformance suite.
import { SmppChannel } from '../../src/channels/messaging/smpp/smpp-channel.ts';
import { SmppCentre } from '../fakes/smpp-centre.ts';
import { messagingConformance } from './messaging.conformance.ts';

const SENDER = '+6280012345';
const PERSON = '+6281234567000';
const UNREACHABLE = '+6281234567999';

messagingConformance('SMPP', {
  async start() {
    const centre = await SmppCentre.start({
      systemId: 'tiller',
      password: 'secret',
      undeliverable: [UNREACHABLE],
    });
    const channel = new SmppChannel({ url: centre.url, systemId: 'tiller', password: 'secret' });
    return {
      channel,
      sender: SENDER,
      person: PERSON,
      unreachable: UNREACHABLE,
      async personSends(text) {
        await waitBound(centre);
        await centre.personSends(PERSON, SENDER, text);
      },
      async delivered(to) {
        return centre
          .deliveredTo(to)
          .map((s) => ({ providerMessageId: s.messageId, text: s.text }));
      },
      async throttleNext() {
        centre.throttleNext();
      },
      async stop() {
        await channel.close();
        await centre.close();
      },
    };
  },
});

/** The adapter binds in the background: a person can write once it is bound. */
async function waitBound(centre: SmppCentre): Promise<void> {
  const deadline = Date.now() + 5000;
  while (centre.boundSessions === 0) {
    if (Date.now() > deadline) throw new Error('the adapter never bound');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
