// A quick probe (not part of the suite): 20 WhatsApp numbers at 100/s each, 8,000 template
// messages, through the real sender on the test store; prints sends per second.
import { startTestServer, waitFor } from '../helpers/server.ts';
import { fakeChannels, waConfig } from './harness.ts';

const fakes = fakeChannels();
const server = await startTestServer({
  channels: fakes.factory,
  config: {
    defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
  },
});
const { auth, messaging } = server.runtime.services;
const a = await auth.createApp({ name: 'probe', timezone: 'UTC' });
// No caps for this probe: 8,000 distinct numbers anyway.
const ids: number[] = [];
for (let i = 0; i < 20; i += 1) {
  await messaging.createChannel(a.app.id, {
    channelId: `n${i}`,
    kind: 'whatsapp',
    name: `n${i}`,
    phoneNumber: '+6583750000',
    config: waConfig(`pn${i}`),
    sendsPerSecond: 100,
  });
  ids.push(
    (
      await messaging.createTemplate(a.app.id, `n${i}`, {
        name: 't',
        language: 'en',
        category: 'UTILITY',
        status: 'APPROVED',
        content: { body: 'Hi {{1}}' },
      })
    ).id,
  );
}
const PER = 400;
const t0 = Date.now();
for (let i = 0; i < 20; i += 1) {
  await messaging.sendTemplates(a.app.id, {
    channelId: `n${i}`,
    templateId: ids[i]!,
    users: Array.from({ length: PER }, (_, k) => ({
      id: `6281${String(i).padStart(2, '0')}${String(k).padStart(6, '0')}`,
      variables: { '1': 'x' },
    })),
  });
}
const t1 = Date.now();
await waitFor(
  'all sent',
  async () => {
    const [r] = await server.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM messages WHERE status = 'sent'",
    );
    return r!.n >= 20 * PER ? true : undefined;
  },
  120_000,
);
const t2 = Date.now();
console.log(
  JSON.stringify({
    store: server.store.db.kind,
    queued_ms: t1 - t0,
    sent_ms: t2 - t1,
    per_second: Math.round((20 * PER) / ((t2 - t1) / 1000)),
  }),
);
await server.close();
