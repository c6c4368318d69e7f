// The simulated messaging channel through the messaging conformance suite, at a time scale at
// which a message's life (sent, delivered, read, an answer) takes a few milliseconds.
import { messagingPersonaNumber } from '../../src/channels/messaging/simulated/messaging-personas.ts';
import { SimulatedChannel } from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';
import { messagingConformance } from './messaging.conformance.ts';

const SENDER = '+6280012345';

messagingConformance('simulated', {
  async start() {
    const channel = new SimulatedChannel({ timeScale: 1000 });
    const person = messagingPersonaNumber('replies');
    return {
      channel,
      sender: SENDER,
      person,
      unreachable: messagingPersonaNumber('unreachable'),
      async personSends(text) {
        await channel.personSends(person, SENDER, { type: 'text', text });
      },
      async delivered(to) {
        return channel.sentTo(to).map((s) => ({
          providerMessageId: s.providerMessageId,
          ...(s.text === undefined ? {} : { text: s.text }),
        }));
      },
      async throttleNext() {
        channel.throttleNext();
      },
      async readMarked() {
        return [...channel.readMarked];
      },
      async stop() {
        await channel.close();
      },
    };
  },
});
