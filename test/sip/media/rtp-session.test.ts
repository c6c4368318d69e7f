import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { resample } from '../../../src/dialogue/tts/resample.ts';
import { codecFor } from '../../../src/channels/telephony/sip/media/codecs.ts';
import { parseRtp, serializeRtp } from '../../../src/channels/telephony/sip/media/rtp-packet.ts';
import { RtpSession } from '../../../src/channels/telephony/sip/media/rtp-session.ts';
import { bestCorrelation, concat, onset, rms, sine, toneShare } from './audio-measures.ts';
import { collect, L16, PCMU, sessionPair, until } from './session-harness.ts';

const T = { timeout: 30_000 };

test(
  'PCMU: what one session plays, the other hears as 20 ms frames of the same tone',
  T,
  async () => {
    const { a, b, close } = await sessionPair(PCMU);
    try {
      const tone = sine(440, 16000, 1, 10000);
      const heard = collect(
        b,
        (frames) => frames.length >= 60 && rms(frames.at(-1)!.samples) === 0 && playedAll,
      );
      let playedAll = false;
      const played = await a.play({ sampleRate: 16000, samples: tone }).done;
      playedAll = true;
      assert.deepEqual(played, { completed: true });
      const frames = await heard;
      assert.ok(
        frames.every(
          (f, i) => f.sampleRate === 8000 && f.samples.length === 160 && f.at === i * 20,
        ),
      );
      const audio = concat(frames.map((f) => f.samples));
      const start = onset(audio, 8000, 1000);
      assert.ok(start >= 0, 'the tone arrived');
      const body = audio.subarray(start + 800, start + 7200); // 0.8 s inside the tone
      assert.ok(toneShare(body, 440, 8000) > 0.9, 'the energy is at 440 Hz');
      const levelDb = 20 * Math.log10(rms(body) / (10000 / Math.SQRT2));
      assert.ok(
        Math.abs(levelDb) < 1,
        `level within 1 dB of the original (${levelDb.toFixed(2)} dB)`,
      );
      assert.equal(a.stats().sent, 50, '1 s is fifty 20 ms packets');
      await until(() => b.stats().received === 50);
      assert.deepEqual(
        { ...b.stats(), jitterMs: 0 },
        { sent: 0, received: 50, lost: 0, late: 0, duplicates: 0, jitterMs: 0 },
      );
    } finally {
      await close();
    }
  },
);

test(
  'L16: speech-like audio at 22,050 Hz comes out at 16 kHz, correlated with what was sent',
  T,
  async () => {
    const { a, b, close } = await sessionPair(L16);
    try {
      // A chirp from 200 to 3,000 Hz: it correlates with itself at one lag only.
      const rate = 22050;
      const source = new Int16Array(rate);
      for (let i = 0; i < source.length; i++) {
        const t = i / rate;
        source[i] = Math.round(9000 * Math.sin(2 * Math.PI * (200 * t + 1400 * t * t)));
      }
      let playedAll = false;
      const heard = collect(b, (frames) => playedAll && rms(frames.at(-1)!.samples) === 0);
      await a.play({ sampleRate: rate, samples: source }).done;
      playedAll = true;
      const frames = await heard;
      assert.ok(frames.every((f) => f.sampleRate === 16000 && f.samples.length === 320));
      const expected = resample(source, rate, 16000);
      const best = bestCorrelation(expected, concat(frames.map((f) => f.samples)), 1600);
      assert.ok(best.value > 0.99, `correlation ${best.value.toFixed(4)} at lag ${best.lag}`);
    } finally {
      await close();
    }
  },
);

test(
  'plays queue one after another; stopPlayback ends the current and the queued ones',
  T,
  async () => {
    const { a, b, close } = await sessionPair(PCMU);
    try {
      const short = { sampleRate: 8000, samples: sine(440, 8000, 0.1) };
      const first = a.play(short);
      const second = a.play(short);
      assert.deepEqual(await first.done, { completed: true });
      assert.deepEqual(await second.done, { completed: true });
      assert.equal(a.stats().sent, 10);

      const long = a.play({ sampleRate: 8000, samples: sine(440, 8000, 10) });
      const queued = a.play(short);
      // Barge-in once the far end hears the robot.
      await collect(b, (frames) => rms(frames.at(-1)!.samples) > 1000);
      a.stopPlayback();
      assert.deepEqual(await long.done, { completed: false });
      assert.deepEqual(await queued.done, { completed: false });
      assert.ok(a.stats().sent < 10 + 500, 'the long play did not run to its end');
      const one = a.play(short);
      one.stop();
      assert.deepEqual(await one.done, { completed: false });
    } finally {
      await close();
    }
  },
);

test('DTMF "1234#" sent as RFC 4733 events arrives once per key', T, async () => {
  const { a, b, close } = await sessionPair(PCMU);
  try {
    const heard: string[] = [];
    b.onDtmf((digit) => heard.push(digit));
    await a.sendDtmf('1234#');
    // Every packet sent, end-packet retransmissions included, has arrived before we look.
    await until(() => b.stats().received === a.stats().sent);
    assert.equal(a.stats().sent, 5 * 7);
    assert.deepEqual(heard, ['1', '2', '3', '4', '#']);
    const noEvents = await RtpSession.open({ host: '127.0.0.1' });
    noEvents.setRemote('127.0.0.1', b.localPort, { name: 'PCMU', payloadType: 0, clockRate: 8000 });
    await assert.rejects(noEvents.sendDtmf('1'), /telephone-event/);
    await noEvents.close();
  } finally {
    await close();
  }
});

test(
  'symmetric RTP: media goes back to where the far end really sends from, latched once',
  T,
  async () => {
    const session = await RtpSession.open({ host: '127.0.0.1' });
    const natted = createSocket('udp4');
    const stray = createSocket('udp4');
    await Promise.all(
      [natted, stray].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))),
    );
    try {
      // The SDP said port 9 (discard); packets really come from `natted`.
      session.setRemote('127.0.0.1', 9, PCMU);
      const first = new Promise<{ port: number; latched: boolean }>((resolve) =>
        session.onFirstPacket((from, latched) => resolve({ port: from.port, latched })),
      );
      const silence = codecFor(PCMU).encode(new Int16Array(160));
      const rtp = (seq: number) =>
        serializeRtp({
          payloadType: 0,
          marker: false,
          sequence: seq,
          timestamp: seq * 160,
          ssrc: 7,
          payload: silence,
        });
      natted.send(rtp(1), session.localPort, '127.0.0.1');
      assert.deepEqual(await first, { port: natted.address().port, latched: true });
      // A later packet from elsewhere does not move the media again.
      stray.send(rtp(2), session.localPort, '127.0.0.1');
      await until(() => session.stats().received === 2);
      assert.equal(session.remote?.port, natted.address().port);

      const back = new Promise<Buffer>((resolve) => natted.once('message', resolve));
      session.play({ sampleRate: 8000, samples: sine(440, 8000, 0.1) });
      const packet = parseRtp(await back);
      assert.equal(packet?.payloadType, 0);
      assert.equal(packet?.marker, true, 'the first packet of a talkspurt is marked');
    } finally {
      natted.close();
      stray.close();
      await session.close();
    }
  },
);

test('the recording puts both legs on one 16 kHz timeline, and their mix', T, async () => {
  const { a, b, close } = await sessionPair(PCMU);
  try {
    const recording = b.record();
    // The far end (a) speaks 440 Hz; once b hears it, b answers 1,000 Hz.
    const spoken = a.play({ sampleRate: 8000, samples: sine(440, 8000, 0.6) });
    await collect(b, (frames) => rms(frames.at(-1)!.samples) > 1000);
    await b.play({ sampleRate: 8000, samples: sine(1000, 8000, 0.6) }).done;
    await spoken.done;
    const { callee, robot, mixed } = recording.stop();
    for (const leg of [callee, robot, mixed]) assert.equal(leg.sampleRate, 16000);
    assert.equal(callee.samples.length, robot.samples.length, 'one timeline');
    assert.equal(mixed.samples.length, robot.samples.length);
    const heardAt = onset(callee.samples, 16000, 1000);
    const saidAt = onset(robot.samples, 16000, 1000);
    assert.ok(
      heardAt >= 0 && saidAt > heardAt,
      `robot answered (${saidAt}) after hearing (${heardAt})`,
    );
    assert.ok(toneShare(callee.samples.subarray(heardAt + 1600, heardAt + 6400), 440, 16000) > 0.9);
    assert.ok(toneShare(robot.samples.subarray(saidAt + 1600, saidAt + 6400), 1000, 16000) > 0.9);
    // Until it heard the callee the robot's leg is silence; the mix is the two legs summed.
    assert.equal(rms(robot.samples.subarray(0, heardAt)), 0);
    const clamp = (n: number) => Math.max(-32768, Math.min(32767, n));
    assert.ok(mixed.samples.every((m, i) => m === clamp(callee.samples[i]! + robot.samples[i]!)));
  } finally {
    await close();
  }
});

test(
  'after close, frames() ends, plays answer completed false, and close is idempotent',
  T,
  async () => {
    const { a, b, close } = await sessionPair(PCMU);
    const reading = collect(b, () => false);
    const long = a.play({ sampleRate: 8000, samples: sine(440, 8000, 5) });
    await b.close();
    assert.deepEqual(await reading, []);
    await a.close();
    assert.deepEqual(await long.done, { completed: false });
    assert.deepEqual(await a.play({ sampleRate: 8000, samples: sine(440, 8000, 0.1) }).done, {
      completed: false,
    });
    await close();
  },
);
