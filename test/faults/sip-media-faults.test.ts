// Issue 14's media fault: 5 % packet loss and 60 ms of jitter between Tiller and the callee, both
// ways. The kernel here has no netem, so a seeded user-space relay (test/helpers/udp-impairment.ts)
// stands in the media path: the test peer answers with the relay's address in its SDP and sends
// through it. A whole robot call still ends with the callee's promise to pay, and the RTP
// statistics of both ends show the loss the relay made.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { SipTestPeer } from '../fakes/sip-test-peer.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { startUdpImpairment, type UdpImpairment } from '../helpers/udp-impairment.ts';
import { startSipTiller } from './sip-tiller.ts';

const LOSS = 0.05;
/** Each datagram waits 10 ms plus a uniform 0..60 ms: later ones overtake earlier ones. */
const DELAY_MS = 10;
const JITTER_MS = 60;

const tts = new EspeakTts();
let yes: Pcm;
let tomorrow: Pcm;

before(async () => {
  yes = await tts.synthesize('yes that is me', 'en', 'callee');
  tomorrow = await tts.synthesize('I will pay tomorrow', 'en', 'callee');
});
after(() => tts.close());

test('with 5 % loss and 60 ms jitter on the media path a robot call still ends with its promise to pay', async (t) => {
  const relays: UdpImpairment[] = [];
  const peer = await SipTestPeer.start(() => ({ kind: 'answer', replies: [yes, tomorrow] }), {
    mediaRoute: async ({ peer: peerEnd, caller }) => {
      // Side A is Tiller, side B the peer; the seed makes the loss pattern repeat run to run.
      const relay = await startUdpImpairment({
        a: caller,
        b: peerEnd,
        loss: LOSS,
        delayMs: DELAY_MS,
        jitterMs: JITTER_MS,
        seed: 14,
      });
      relays.push(relay);
      return {
        advertise: { host: '127.0.0.1', port: relay.portForA },
        sendTo: { host: '127.0.0.1', port: relay.portForB },
      };
    },
  });
  const receiver = await startReceiver();
  // The recogniser is scripted: what this test proves is that the line, through the loss, still
  // carries each answer to the robot as one utterance heard at its turn (VAD and endpointing).
  const tiller = await startSipTiller({
    proxy: peer.address,
    stt: new FakeStt(['yes that is me', 'I will pay tomorrow']),
    webhookUrl: receiver.url,
  });
  t.after(async () => {
    await tiller.close();
    await peer.close();
    for (const relay of relays) await relay.close();
    await receiver.close();
  });

  const created = await tiller.api.post('/service/cloud/task', {
    task_name: 'sip_media_loss',
    robot_id: '4496',
    callees: [
      {
        callee_number: '+6281234567001',
        callee_name: 'Budi',
        platform_name: 'AIZCC',
        total_owing_amount: '20310.00',
        currency_unit: 'USD',
        due_date: '2024-03-07',
      },
    ],
  });
  assert.equal(created.status, 200, created.text);
  const call = await waitFor(
    'the call webhook',
    () => receiver.requests.map((r) => JSON.parse(r.body)).find((e) => e.call)?.call,
    90_000,
  );

  assert.equal(call.intention, 'A', JSON.stringify(call.asr_result));
  assert.equal(call.hangup_type, 'ByRobot');
  assert.match(String(call.ner_slots?.ptp_date ?? call.asr_ptp), /\d{4}-\d{2}-\d{2}/);
  const heard = call.asr_result
    .map((turn: { text: string }) => turn.text)
    .filter((text: string) => text !== '');
  assert.deepEqual(heard, ['yes that is me', 'I will pay tomorrow']);

  // Both directions lost packets, and each end counted them (RFC 3550: expected minus received).
  const [relay] = relays;
  const [leg] = tiller.legs;
  assert.ok(relay && leg, 'the call went through the relay and was answered');
  const heardByTiller = leg.rtpStats();
  const peerCall = await waitFor('the peer to see the call end', () =>
    peer.calls[0]?.rtpStats ? peer.calls[0] : undefined,
  );
  const heardByPeer = peerCall.rtpStats!;
  t.diagnostic(
    `relay dropped ${relay.counts.bToA.dropped} of ${relay.counts.bToA.dropped + relay.counts.bToA.forwarded} towards Tiller, ` +
      `${relay.counts.aToB.dropped} of ${relay.counts.aToB.dropped + relay.counts.aToB.forwarded} towards the peer; ` +
      `Tiller: ${JSON.stringify(heardByTiller)}; peer: ${JSON.stringify(heardByPeer)}`,
  );
  for (const [stats, dropped] of [
    [heardByTiller, relay.counts.bToA.dropped],
    [heardByPeer, relay.counts.aToB.dropped],
  ] as const) {
    assert.ok(stats.received > 50, 'audio flowed');
    assert.ok(stats.lost > 0, 'the loss is seen');
    // Only a drop among the last packets can go unnoticed (nothing after it shows the gap).
    assert.ok(stats.lost <= dropped, `lost ${stats.lost} of ${dropped} dropped`);
    const share = stats.lost / (stats.lost + stats.received);
    assert.ok(share > 0.01 && share < 0.12, `lost share ${share}`);
    assert.ok(stats.jitterMs > 1, 'the jitter is seen');
  }
});
