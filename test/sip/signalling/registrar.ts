// A small registrar for the registration tests, built on the transaction layer: it challenges
// with digest (the server side of digest.ts), grants a short expiry, records every REGISTER, and
// can be told to go silent (the "trunk stopped answering" fault).
import type { TestContext } from 'node:test';
import { DigestServer } from '../../../src/channels/telephony/sip/signalling/digest.ts';
import { getHeader } from '../../../src/channels/telephony/sip/signalling/message.ts';
import type { SipRequest } from '../../../src/channels/telephony/sip/signalling/message.ts';
import {
  responseTo,
  TransactionLayer,
} from '../../../src/channels/telephony/sip/signalling/transactions.ts';
import { UdpTransport } from '../../../src/channels/telephony/sip/signalling/transport-udp.ts';
import { T1 } from './peers.ts';

export async function startRegistrar(t: TestContext, options: { grant: number; password: string }) {
  const transport = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const layer = new TransactionLayer(transport, T1);
  t.after(async () => {
    layer.close();
    await transport.close();
  });
  const digest = new DigestServer({
    realm: 'tiller.test',
    passwords: (u) => (u === 'robot' ? options.password : undefined),
  });
  const state = { silent: false, requests: [] as SipRequest[], accepted: [] as SipRequest[] };
  const waiters: { count: number; resolve: () => void }[] = [];
  layer.onRequest(({ request, transaction }) => {
    if (state.silent || !transaction || request.method !== 'REGISTER') return;
    state.requests.push(request);
    if (!digest.check(getHeader(request, 'Authorization'), 'REGISTER')) {
      const challenge = responseTo(request, 401, 'Unauthorized');
      challenge.headers.push({ name: 'WWW-Authenticate', value: digest.challenge() });
      transaction.respond(challenge);
      return;
    }
    state.accepted.push(request);
    const ok = responseTo(request, 200, 'OK');
    const contact = getHeader(request, 'Contact');
    const asked = Number(getHeader(request, 'Expires') ?? '0');
    if (contact)
      ok.headers.push({
        name: 'Contact',
        value: `${contact};expires=${Math.min(asked, options.grant)}`,
      });
    transaction.respond(ok);
    for (const waiter of waiters.filter((w) => state.accepted.length >= w.count)) waiter.resolve();
  });
  return {
    uri: `sip:127.0.0.1:${transport.address.port}`,
    state,
    /** Resolves once `count` REGISTERs were accepted in all. */
    accepted: (count: number) =>
      new Promise<void>((resolve) => {
        if (state.accepted.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}
