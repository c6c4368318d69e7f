// The SIP adapter passes the call-control contract (test/conformance/call-control.conformance.ts)
// against the in-repo test peer (test/fakes/sip-test-peer.ts) over real UDP on loopback: SIP
// signalling, RTP audio both ways, the speech listener and the answering-machine detector.
import { after, before } from 'node:test';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { SipTestPeer, type PeerAct } from '../fakes/sip-test-peer.ts';
import { callControlConformance, type Scenario } from './call-control.conformance.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

const tts = new EspeakTts();
let peer: SipTestPeer;
const uas: SipUserAgent[] = [];
let yes: Pcm;
let machineGreeting: Pcm;

/** What the peer does for each scenario's number. */
const ACTS: Record<Scenario, () => PeerAct> = {
  answered: () => ({ kind: 'answer', replies: [yes, yes, yes] }),
  busy: () => ({ kind: 'reject', status: 486, reason: 'Busy Here' }),
  no_answer: () => ({ kind: 'ring' }),
  invalid: () => ({ kind: 'reject', status: 404, reason: 'Not Found' }),
  failed: () => ({ kind: 'reject', status: 503, reason: 'Service Unavailable' }),
  machine: () => ({ kind: 'answer', greeting: machineGreeting }),
  callee_hangs_up: () => ({ kind: 'answer', hangupAfterTurns: 1 }),
  silent: () => ({ kind: 'answer' }),
  keys: () => ({ kind: 'answer', replies: [{ keys: '1' }] }),
};

before(async () => {
  yes = await tts.synthesize('yes that is me', 'en', 'callee');
  machineGreeting = await tts.synthesize(
    'Hello, you have reached the voicemail of Budi Santoso. I am not available to take your call right now. Please leave a message after the tone.',
    'en',
    'callee',
  );
  peer = await SipTestPeer.start((to) => {
    const scenario = to.split('-')[0] as Scenario;
    return (ACTS[scenario] ?? ACTS.silent)();
  });
});

after(async () => {
  for (const ua of uas) await ua.close();
  await peer?.close();
  await tts.close();
});

callControlConformance('SIP trunk (in-repo test peer)', {
  create: async () => {
    const trunk = loopbackTrunk(peer.address, { ringTimeoutSeconds: 2 });
    const ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0, t1Ms: 100 });
    uas.push(ua);
    // The recogniser hears "yes that is me" in any speech: this suite is about the line.
    return new SipCallControl({ ua, trunk, stt: new FakeStt(Array(20).fill('yes that is me')) });
  },
  pick: (scenario, callId) => ({
    callId,
    from: '+6221000000',
    to: `${scenario}-${callId}`,
    attempt: 1,
  }),
  utterance: async (text) => ({ text, audio: await tts.synthesize(text, 'en', 'robot') }),
});
