// What the SIP adapter puts on the wire and into a call's record, beyond the call-control
// contract: the caller's identity, the codec it prefers, and the carrier's own cause.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LegEvent } from '../../src/channels/telephony/call-control.ts';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { readWav } from '../../src/dialogue/wav.ts';
import { SipTestPeer, type PeerAct } from '../fakes/sip-test-peer.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

const ACTS: Record<string, PeerAct> = {
  // The trunk takes digits only (numberFormat 'digits'): the peer sees the numbers without '+'.
  '628111': { kind: 'answer' },
  '628222': { kind: 'answer', codecs: ['PCMU'] },
  '628333': { kind: 'reject', status: 503, reason: 'Service Unavailable' },
  '628444': { kind: 'answer', replies: [] },
};
let peer: SipTestPeer;
let ua: SipUserAgent;
let cc: SipCallControl;
let serial = 0;

before(async () => {
  const reply = await new ToneTts().synthesize('yes that is me', 'en', 'callee');
  (ACTS['628444'] as { replies: unknown[] }).replies.push(reply);
  peer = await SipTestPeer.start((to) => ACTS[to] ?? { kind: 'ring' });
  ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: 100 });
  cc = new SipCallControl({
    ua,
    trunk: loopbackTrunk(peer.address, { domain: 'trunk.example', numberFormat: 'digits' }),
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

test('records the two sides apart beside the mix: the callee left, the robot right', async () => {
  const { connect } = await call('+628444');
  assert.ok(connect.outcome === 'answered');
  const leg = connect.leg;
  const recording = leg.record()!;
  const line = await new ToneTts().synthesize('Hello, am I speaking with Budi?', 'en', 'robot');
  await leg.play({ text: 'Hello, am I speaking with Budi?', audio: line });
  // The peer answers after the line; the recogniser here knows no words, so it is no input.
  await leg.listen({ language: 'en', expects: { kind: 'nothing' }, timeoutSeconds: 4 });
  await leg.hangup();
  const { audio } = await recording.stop();
  const legs = readWav(audio!.legs!);
  assert.equal(legs.channels, 2);
  const energy = (channel: 0 | 1) => {
    let sum = 0;
    for (let i = channel; i < legs.samples.length; i += 2) sum += Math.abs(legs.samples[i]!);
    return sum / (legs.samples.length / 2);
  };
  assert.ok(energy(1) > 100, `the robot's side holds its line (${energy(1).toFixed(0)})`);
  assert.ok(energy(0) > 20, `the callee's side holds the reply (${energy(0).toFixed(0)})`);
  // Each on its own side: the robot speaks first, the callee only once the line is over.
  const firstSound = (channel: 0 | 1) => {
    for (let i = channel; i < legs.samples.length; i += 2)
      if (Math.abs(legs.samples[i]!) > 1000) return (i - channel) / 2 / legs.sampleRate;
    return Infinity;
  };
  const lineSeconds = line.samples.length / line.sampleRate;
  assert.ok(firstSound(1) < 0.5, `the robot at ${firstSound(1)} s`);
  assert.ok(
    firstSound(0) > lineSeconds,
    `the callee at ${firstSound(0)} s, after ${lineSeconds} s`,
  );
  assert.equal(readWav(audio!.wav).channels, 1, 'the mix stays one channel');
});
