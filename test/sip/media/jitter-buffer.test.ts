import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  JitterBuffer,
  type Playout,
} from '../../../src/channels/telephony/sip/media/jitter-buffer.ts';

// Packets are fed straight into the buffer and frames popped one by one, as the 20 ms clock would:
// deterministic, no timers. 8 kHz, 160 samples (20 ms) per packet, 60 ms start depth = 3 frames.

const FRAME = 160;

function packet(sequence: number, timestamp: number, marker = false) {
  return {
    sequence: sequence & 0xffff,
    timestamp: timestamp >>> 0,
    marker,
    samples: FRAME,
    payload: Uint8Array.of(sequence & 0xff),
  };
}

function buffer() {
  return new JitterBuffer({
    frameSamples: FRAME,
    clockRate: 8000,
    startDepthMs: 60,
    maxDepthMs: 200,
  });
}

/** A compact picture of the playout: the sequence played, '~' concealed, '.' idle. */
function show(steps: Playout[]): string {
  return steps
    .map((s) =>
      s.kind === 'packet' ? String(s.packet.sequence) : s.kind === 'conceal' ? '~' : '.',
    )
    .join(' ');
}

function popN(b: JitterBuffer, n: number): Playout[] {
  return Array.from({ length: n }, () => b.pop());
}

test('holds the first packet for the start depth, then plays in order', () => {
  const b = buffer();
  assert.equal(show(popN(b, 2)), '. .', 'idle before anything came');
  for (let i = 0; i < 3; i++) b.push(packet(10 + i, 1000 + i * FRAME));
  assert.equal(show(popN(b, 5)), '. . 10 11 12');
});

test('reordered packets play in sequence order', () => {
  const b = buffer();
  for (const i of [0, 2, 1, 4, 3]) assert.equal(b.push(packet(i, i * FRAME)), 'queued');
  assert.equal(show(popN(b, 7)), '. . 0 1 2 3 4');
  assert.equal(b.late, 0);
});

test('duplicates are dropped and counted, queued or already played', () => {
  const b = buffer();
  b.push(packet(0, 0));
  assert.equal(b.push(packet(0, 0)), 'duplicate');
  b.push(packet(1, FRAME));
  popN(b, 3); // plays 0
  assert.equal(b.push(packet(0, 0)), 'duplicate', 'already played');
  assert.equal(b.duplicates, 2);
  assert.equal(b.late, 0);
});

test('a lost packet is concealed and time keeps its pace', () => {
  const b = buffer();
  for (const i of [0, 1, 3, 4]) b.push(packet(i, i * FRAME));
  const steps = popN(b, 7);
  assert.equal(show(steps), '. . 0 1 ~ 3 4');
  const concealed = steps[4]!;
  assert.equal(concealed.kind === 'conceal' && concealed.samples, FRAME);
});

test('a packet after its time was played is late, counted, and grows the depth', () => {
  const b = buffer();
  for (const i of [0, 1, 3, 4, 5]) b.push(packet(i, i * FRAME));
  assert.equal(show(popN(b, 5)), '. . 0 1 ~');
  const before = b.depthSamples;
  assert.equal(b.push(packet(2, 2 * FRAME)), 'late');
  assert.equal(b.late, 1);
  assert.equal(b.depthSamples, before + FRAME);
  // The extra frame of depth is a held frame before playout goes on.
  assert.equal(show(popN(b, 4)), '~ 3 4 5');
});

test('sequence numbers and timestamps wrap around without a hiccup', () => {
  const b = buffer();
  const ts0 = 2 ** 32 - 2 * FRAME;
  // Sequences 65534, 65535, 0, 1, 2 with timestamps crossing 2^32, the last two swapped.
  for (const i of [0, 1, 2, 4, 3]) b.push(packet(65534 + i, ts0 + i * FRAME));
  assert.equal(show(popN(b, 7)), '. . 65534 65535 0 1 2');
  assert.equal(b.late + b.duplicates, 0);
});

test('after a pause the next talkspurt starts afresh, its timestamps moved on', () => {
  const b = buffer();
  for (let i = 0; i < 3; i++) b.push(packet(i, i * FRAME));
  assert.equal(show(popN(b, 5)), '. . 0 1 2');
  // The sender stops: a few concealed frames, then idle once the max depth (10 frames) passed.
  const gap = show(popN(b, 12));
  assert.match(gap, /^~( ~)* \.( \.)*$/);
  // One second later (timestamps 8000 on), a new talkspurt with the marker bit.
  for (let i = 0; i < 3; i++) b.push(packet(3 + i, 8000 + i * FRAME, i === 0));
  assert.equal(show(popN(b, 5)), '. . 3 4 5');
  assert.equal(b.late, 0);
});

test('a marked talkspurt whose timestamps did not move on is not taken as late', () => {
  const b = buffer();
  for (let i = 0; i < 3; i++) b.push(packet(i, i * FRAME));
  popN(b, 5 + 12);
  // The sender kept its timestamps contiguous over the pause: behind our playout point.
  for (let i = 0; i < 3; i++) b.push(packet(3 + i, (3 + i) * FRAME, i === 0));
  assert.equal(show(popN(b, 5)), '. . 3 4 5');
  assert.equal(b.late, 0);
});
