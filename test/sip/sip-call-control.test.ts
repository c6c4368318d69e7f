// What the SIP adapter puts on the wire and into a call's record, beyond the call-control
// contract: the caller's identity, the codec it prefers, and the carrier's own cause.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LegEvent } from '../../src/channels/telephony/call-control.ts';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { SipTestPeer, type PeerAct } from '../fakes/sip-test-peer.ts';

const ACTS: Record<string, PeerAct> = {
  // The trunk takes digits only (numberFormat 'digits'): the peer sees the numbers without '+'.
  '628111': { kind: 'answer' },
  '628222': { kind: 'answer', codecs: ['PCMU'] },
  '628333': { kind: 'reject', status: 503, reason: 'Service Unavailable' },
};
let peer: SipTestPeer;
let ua: SipUserAgent;
let cc: SipCallControl;
let serial = 0;

before(async () => {
  peer = await SipTestPeer.start((to) => ACTS[to] ?? { kind: 'ring' });
  ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: 100 });
  cc = new SipCallControl({
    ua,
    trunk: {
      proxy: peer.address,
      domain: 'trunk.example',
      registerExpires: 0,
      bind: { host: '127.0.0.1', port: 0 },
      rtpPortRange: [40_000, 49_999],
      numberFormat: 'digits',
      ringTimeoutSeconds: 5,
      keepAliveSeconds: 0,
    },
    stt: new FakeStt(),
    amd: false,
  });
});

after(async () => {
  await ua.close();
  await peer.close();
});

async function call(to: string) {
  const events: LegEvent[] = [];
  const connect = await cc.originate(
    { callId: `sip-cc-${++serial}`, from: '+6221000088', to, attempt: 1 },
    (e) => events.push(e),
  );
  return { connect, events, peerCall: peer.calls.at(-1)! };
}

test('presents the caller number as From and P-Asserted-Identity, numbers as the trunk wants them', async () => {
  const { connect, peerCall } = await call('+628111');
  assert.equal(connect.outcome, 'answered');
  assert.equal(peerCall.to, '628111', 'digits only in the request URI');
  assert.equal(peerCall.headers['p-asserted-identity'], '<sip:6221000088@trunk.example>');
  assert.match(peerCall.headers['from'] ?? '', /<sip:6221000088@trunk\.example>/);
  if (connect.outcome === 'answered') await connect.leg.hangup();
});

test('prefers the wideband codec, and speaks G.711 with a peer that takes nothing else', async () => {
  const wide = await call('+628111');
  assert.equal(wide.peerCall.codec, 'L16');
  const narrow = await call('+628222');
  assert.equal(narrow.peerCall.codec, 'PCMU');
  for (const { connect } of [wide, narrow])
    if (connect.outcome === 'answered') await connect.leg.hangup();
});

test("keeps the trunk's status and reason with a call that failed", async () => {
  const { connect, events } = await call('+628333');
  const carrierCause = { protocol: 'sip', code: 503, reason: 'Service Unavailable' };
  assert.deepEqual(connect, { outcome: 'failed', ringSeconds: 0, carrierCause });
  assert.deepEqual(events.at(-1), {
    type: 'hangup',
    callId: `sip-cc-${serial}`,
    cause: 'failed',
    carrierCause,
  });
});
