// A carrier's trunk for the registration fault: it registers our account with digest (a short
// grant, so refreshes come every second), answers OPTIONS keep-alives, and answers every INVITE
// with the status the test sets. `down()` takes its host off the network (the socket closes:
// nothing answers, not even 100 Trying); `up()` brings it back on the same port.
import { DigestServer } from '../../src/channels/telephony/sip/signalling/digest.ts';
import { getHeader } from '../../src/channels/telephony/sip/signalling/message.ts';
import {
  responseTo,
  TransactionLayer,
} from '../../src/channels/telephony/sip/signalling/transactions.ts';
import { UdpTransport } from '../../src/channels/telephony/sip/signalling/transport-udp.ts';

export const TRUNK_USER = 'robot';
export const TRUNK_PASSWORD = 'trunk-secret';

export async function startTrunkStub(options: { grantSeconds: number; t1Ms: number }) {
  const digest = new DigestServer({
    realm: 'trunk.test',
    passwords: (user) => (user === TRUNK_USER ? TRUNK_PASSWORD : undefined),
  });
  const seen = { registered: 0, options: 0, invites: [] as string[] };
  const state = { inviteStatus: 503, inviteReason: 'Service Unavailable' };
  let port = 0;
  let running: { layer: TransactionLayer; transport: UdpTransport } | undefined;

  const up = async () => {
    const transport = await UdpTransport.bind({ host: '127.0.0.1', port });
    port = transport.address.port;
    const layer = new TransactionLayer(transport, options.t1Ms);
    layer.onRequest(({ request, transaction }) => {
      if (!transaction) return;
      if (request.method === 'OPTIONS') {
        seen.options += 1;
        transaction.respond(responseTo(request, 200, 'OK'));
      } else if (request.method === 'INVITE') {
        seen.invites.push(request.uri);
        transaction.respond(responseTo(request, state.inviteStatus, state.inviteReason));
      } else if (request.method === 'REGISTER') {
        if (!digest.check(getHeader(request, 'Authorization'), 'REGISTER')) {
          const challenge = responseTo(request, 401, 'Unauthorized');
          challenge.headers.push({ name: 'WWW-Authenticate', value: digest.challenge() });
          transaction.respond(challenge);
          return;
        }
        const ok = responseTo(request, 200, 'OK');
        const contact = getHeader(request, 'Contact');
        const asked = Number(getHeader(request, 'Expires') ?? '0');
        if (asked > 0) seen.registered += 1;
        if (contact) {
          const granted = Math.min(asked, options.grantSeconds);
          ok.headers.push({ name: 'Contact', value: `${contact};expires=${granted}` });
        }
        transaction.respond(ok);
      } else {
        transaction.respond(responseTo(request, 200, 'OK'));
      }
    });
    running = { layer, transport };
  };

  const down = async () => {
    if (!running) return;
    running.layer.close();
    await running.transport.close();
    running = undefined;
  };

  await up();
  return {
    address: { host: '127.0.0.1', port },
    seen,
    state,
    up,
    down,
    close: down,
  };
}
