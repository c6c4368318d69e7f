import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { test } from 'node:test';
import { concat, onset, rms, sine, toneShare } from './audio-measures.ts';
import { collect, PCMU, sessionPair, until } from './session-harness.ts';
import { startUdpImpairment } from '../../helpers/udp-impairment.ts';

const T = { timeout: 60_000 };

async function socket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

/** Sends 200 numbered datagrams from a through a relay to b; gives what b got, in order. */
async function through(o: { loss: number; jitterMs: number; seed: number }) {
  const a = await socket();
  const b = await socket();
  const relay = await startUdpImpairment({
    b: { host: '127.0.0.1', port: b.address().port },
    ...o,
  });
  try {
    const got: number[] = [];
    b.on('message', (m) => got.push(m.readUInt16BE(0)));
    for (let i = 0; i < 200; i++) {
      const m = Buffer.alloc(2);
      m.writeUInt16BE(i);
      a.send(m, relay.portForA, '127.0.0.1');
    }
    const counts = relay.counts.aToB;
    await until(() => counts.forwarded + counts.dropped === 200 && got.length === counts.forwarded);
    // And back: b answers to the relay, which learned a's address from a's first datagram.
    const back = new Promise<Buffer>((r) => a.once('message', r));
    b.send(Buffer.from('hi'), relay.portForB, '127.0.0.1');
    await until(() => relay.counts.bToA.forwarded + relay.counts.bToA.dropped === 1);
    const answered = relay.counts.bToA.forwarded === 1 ? (await back).toString() : 'dropped';
    return { got, dropped: counts.dropped, answered };
  } finally {
    a.close();
    b.close();
    await relay.close();
  }
}

test('the relay drops a seeded share, the same one again for the same seed', T, async () => {
  const first = await through({ loss: 0.2, jitterMs: 0, seed: 7 });
  const again = await through({ loss: 0.2, jitterMs: 0, seed: 7 });
  const other = await through({ loss: 0.2, jitterMs: 0, seed: 8 });
  assert.ok(first.dropped > 20 && first.dropped < 60, `about 20 % dropped (${first.dropped})`);
  assert.equal(first.got.length + first.dropped, 200);
  assert.deepEqual(again.got, first.got);
  assert.notDeepEqual(other.got, first.got);
  for (const run of [first, again, other]) assert.ok(['hi', 'dropped'].includes(run.answered));
  assert.ok(
    [first, again, other].some((run) => run.answered === 'hi'),
    'it forwards both ways',
  );
});

test('the relay reorders under jitter and loses nothing without loss', T, async () => {
  const { got, dropped, answered } = await through({ loss: 0, jitterMs: 40, seed: 3 });
  assert.equal(dropped, 0);
  assert.deepEqual(
    [...got].sort((x, y) => x - y),
    Array.from({ length: 200 }, (_, i) => i),
  );
  assert.ok(
    got.some((n, i) => i > 0 && n < got[i - 1]!),
    'some datagrams overtook others',
  );
  assert.equal(answered, 'hi');
});

test(
  'with 5 % loss and 60 ms jitter the frames keep their pace, loss is counted, the tone survives',
  T,
  async () => {
    const relay = await startUdpImpairment({ loss: 0.05, delayMs: 10, jitterMs: 60, seed: 42 });
    const { a, b, close } = await sessionPair(PCMU, relay);
    try {
      // Tell the relay where b is: b's first packet (a marked silent play) goes through it.
      await b.play({ sampleRate: 8000, samples: new Int16Array(160) }).done;
      await until(() => relay.counts.bToA.forwarded + relay.counts.bToA.dropped > 0);

      const seconds = 3;
      let playedAll = false;
      const heard = collect(
        b,
        (frames) => playedAll && frames.length > 0 && rms(frames.at(-1)!.samples) === 0,
      );
      await a.play({ sampleRate: 8000, samples: sine(440, 8000, seconds, 10000) }).done;
      playedAll = true;
      const frames = await heard;

      // Pace: one 20 ms frame per 20 ms of media, no gap and no double, whatever the network did.
      assert.ok(
        frames.every(
          (f, i) => (i === 0 || f.at === frames[i - 1]!.at + 20) && f.samples.length === 160,
        ),
      );
      const audio = concat(frames.map((f) => f.samples));
      const start = onset(audio, 8000, 1000);
      const toneFrames = frames.filter((f) => rms(f.samples) > 0).length;
      // 150 frames of tone went out; each lost one is concealed in its place (half level, then
      // silence), and the buffer may hold a few frames when it grows: so 150 less the losses
      // concealed by silence, up to a few more.
      assert.ok(toneFrames > 150 * 0.85 && toneFrames <= 150 + 12, `${toneFrames} frames of tone`);

      await until(() => relay.counts.aToB.forwarded + relay.counts.aToB.dropped === a.stats().sent);
      const stats = b.stats();
      const { dropped } = relay.counts.aToB;
      assert.ok(dropped > 0);
      // Loss is counted from the sequence numbers: every dropped packet but trailing ones.
      assert.ok(
        stats.lost <= dropped && stats.lost >= dropped - 2,
        `lost ${stats.lost}, dropped ${dropped}`,
      );
      assert.ok(stats.jitterMs > 5, `the jitter shows (${stats.jitterMs.toFixed(1)} ms)`);
      const body = audio.subarray(start, start + seconds * 8000);
      assert.ok(
        toneShare(body, 440, 8000) > 0.7,
        `still a 440 Hz tone (${toneShare(body, 440, 8000).toFixed(2)})`,
      );
    } finally {
      await close();
      await relay.close();
    }
  },
);
