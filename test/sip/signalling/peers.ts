// Two user agents on 127.0.0.1 for the call tests: Tiller's caller and a callee (the test peer).
import type { TestContext } from 'node:test';
import { makeOffer } from '../../../src/channels/telephony/sip/signalling/sdp.ts';
import { SipUserAgent } from '../../../src/channels/telephony/sip/signalling/user-agent.ts';
import type { UserAgentOptions } from '../../../src/channels/telephony/sip/signalling/user-agent.ts';
import type { IncomingInvite } from '../../../src/channels/telephony/sip/signalling/incoming-invite.ts';

// Small enough that retransmissions and timer B happen quickly, large enough for a loaded CI box.
export const T1 = 100;

export async function startUa(t: TestContext, options: Partial<UserAgentOptions> = {}) {
  const ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: T1, ...options });
  t.after(() => ua.close());
  return ua;
}

export async function startPair(t: TestContext, caller: Partial<UserAgentOptions> = {}) {
  const robot = await startUa(t, caller);
  const phone = await startUa(t);
  const target = `sip:callee@127.0.0.1:${phone.address.port}`;
  return { robot, phone, target };
}

export const offerSdp = (port: number) => makeOffer({ host: '127.0.0.1', port, sessionId: port });

/** The next INVITE the UA receives. */
export function nextInvite(ua: SipUserAgent): Promise<IncomingInvite> {
  return new Promise((resolve) => ua.onInvite(resolve));
}
