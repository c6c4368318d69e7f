// Agents' phones register with Tiller itself, and a transfer to `agent:<name>` rings that phone
// directly, bridged to the call: the agent hears the callee (issue 14, "a SIP extension
// registered with Tiller"). Real UDP on loopback: Tiller's user agent as the registrar, another
// user agent as the agent's softphone, the in-repo peer as the callee behind the trunk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AgentRegistrar } from '../../src/channels/telephony/sip/agent-registrar.ts';
import { RtpSession } from '../../src/channels/telephony/sip/media/rtp-session.ts';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import { answerSdp } from '../../src/channels/telephony/sip/sip-sdp.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { SipTestPeer } from '../fakes/sip-test-peer.ts';
import { waitFor } from '../helpers/server.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

const tts = new ToneTts();
let peer: SipTestPeer;
let tiller: SipUserAgent;
let cc: SipCallControl;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  const reply = await tts.synthesize('yes, put me through', 'en', 'callee');
  peer = await SipTestPeer.start((to) =>
    to === '628555' ? { kind: 'answer', replies: [reply] } : { kind: 'ring' },
  );
  tiller = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: 100 });
  const agents = new AgentRegistrar({ realm: 'tiller', password: 'agents-secret' });
  tiller.onRegister((request, source) => agents.register(request, source));
  cc = new SipCallControl({
    ua: tiller,
    agents,
    amd: false,
    stt: new FakeStt(),
    trunk: loopbackTrunk(peer.address, { domain: 'trunk.example', numberFormat: 'digits' }),
  });
});

after(async () => {
  for (const close of closers) await close();
  await tiller.close();
  await peer.close();
});

async function phone(username: string, password: string) {
  const ua = await SipUserAgent.start({
    host: '127.0.0.1',
    port: 0,
    t1Ms: 100,
    credentials: { username, password },
  });
  closers.push(() => ua.close());
  const registration = await ua.register({
    registrar: `sip:127.0.0.1:${tiller.address.port}`,
    aor: `sip:${username}@tiller`,
    expires: 120,
  });
  return { ua, registration };
}

test("a transfer to a registered agent rings the agent's phone, which hears the callee", async () => {
  const { ua, registration } = await phone('alice', 'agents-secret');
  assert.equal(registration.state, 'registered');
  let heard = 0;
  ua.onInvite((invite) => {
    void (async () => {
      const rtp = await RtpSession.open({ host: '127.0.0.1', port: 0 });
      closers.push(() => rtp.close());
      const media = answerSdp(invite.sdp ?? '', '127.0.0.1', rtp.localPort)!;
      rtp.setRemote(media.remote.host, media.remote.port, media.choice);
      await invite.answer(media.sdp);
      for await (const frame of rtp.frames())
        for (const sample of frame.samples) if (Math.abs(sample) > 1000) heard += 1;
    })();
  });

  const connect = await cc.originate({
    callId: 'agent-phone-1',
    from: '+6221000088',
    to: '+628555',
    attempt: 1,
  });
  assert.ok(connect.outcome === 'answered');
  const line = 'Please hold, I am putting you through to an agent.';
  await connect.leg.play({ text: line, audio: await tts.synthesize(line, 'en', 'robot') });
  const agentLeg = await connect.leg.transfer('agent:alice');
  assert.equal(agentLeg.up, true);
  // The callee's reply (after the robot's line) reaches the agent through the bridge.
  await waitFor('the agent to hear the callee', () => (heard > 800 ? true : undefined), 20_000);
  assert.deepEqual(
    peer.calls.map((c) => c.to),
    ['628555'],
    'the agent was rung directly, not through the trunk',
  );
  await connect.leg.hangup();
  assert.equal(agentLeg.up, false, 'the agent leg ends with the call');
});

test('a phone with the wrong password is refused, and its agent is rung through the trunk', async () => {
  const { registration } = await phone('bob', 'guess');
  assert.equal(registration.state, 'failed');
  assert.equal(registration.lastStatus, 401);
  const events: string[] = [];
  const connect = await cc.dialAgent('agent-phone-2', 'agent:bob', '+6221000088', (e) =>
    events.push(e.type),
  );
  // Through the trunk: the peer rings for bob, and the ring limit gives up.
  assert.equal(connect.outcome, 'no_answer');
  assert.equal(peer.calls.at(-1)!.to, 'bob');
});
