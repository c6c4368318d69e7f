import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRtp, serializeRtp } from '../../../src/channels/telephony/sip/media/rtp-packet.ts';
import {
  extend,
  SEQUENCE_MODULUS,
  TIMESTAMP_MODULUS,
} from '../../../src/channels/telephony/sip/media/wrap-around.ts';

test('an RTP packet serialises to RFC 3550 bytes and parses back', () => {
  const packet = {
    payloadType: 0,
    marker: true,
    sequence: 0xfffe,
    timestamp: 0xfffffff0,
    ssrc: 0xdeadbeef,
    payload: Uint8Array.from([1, 2, 3]),
  };
  const bytes = serializeRtp(packet);
  assert.equal(bytes.length, 15);
  assert.equal(bytes[0], 0x80, 'version 2, no padding, extension or CSRC');
  assert.equal(bytes[1], 0x80, 'marker set, payload type 0');
  const parsed = parseRtp(bytes)!;
  assert.deepEqual({ ...parsed, payload: [...parsed.payload] }, { ...packet, payload: [1, 2, 3] });
});

test('sequence and timestamp are written modulo their width', () => {
  const bytes = serializeRtp({
    payloadType: 8,
    marker: false,
    sequence: 0x10001,
    timestamp: 2 ** 32 + 5,
    ssrc: 1,
    payload: new Uint8Array(0),
  });
  const parsed = parseRtp(bytes)!;
  assert.equal(parsed.sequence, 1);
  assert.equal(parsed.timestamp, 5);
  assert.equal(parsed.marker, false);
  assert.equal(parsed.payloadType, 8);
});

test('CSRCs, a header extension and padding are skipped to find the payload', () => {
  const bytes = Buffer.from([
    0xb1,
    0x60,
    0x00,
    0x07,
    0,
    0,
    0,
    9,
    0,
    0,
    0,
    1, // V=2 P X CC=1, PT 96
    0,
    0,
    0,
    42, // CSRC
    0xbe,
    0xde,
    0x00,
    0x01,
    1,
    2,
    3,
    4, // extension: one word
    0xaa,
    0xbb, // payload
    0,
    0,
    3, // padding: 3 bytes, count in the last
  ]);
  const parsed = parseRtp(bytes)!;
  assert.equal(parsed.payloadType, 96);
  assert.equal(parsed.sequence, 7);
  assert.deepEqual(parsed.csrcs, [42]);
  assert.deepEqual([...parsed.payload], [0xaa, 0xbb]);
});

test('what is not RTP is refused: short, wrong version, RTCP, bad padding', () => {
  assert.equal(parseRtp(new Uint8Array(11)), undefined);
  assert.equal(parseRtp(Buffer.from([0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])), undefined);
  assert.equal(
    parseRtp(Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0])),
    undefined,
    'RTCP SR',
  );
  assert.equal(parseRtp(Buffer.from([0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 40])), undefined);
});

test('wrap-around: values extend to the nearest of their congruents', () => {
  assert.equal(extend(2, 65534, SEQUENCE_MODULUS), 65538, 'just past the wrap is newer');
  assert.equal(extend(65534, 65538, SEQUENCE_MODULUS), 65534, 'just before the wrap is older');
  assert.equal(extend(100, 65538, SEQUENCE_MODULUS), 65636);
  assert.equal(extend(5, 2 ** 32 - 160, TIMESTAMP_MODULUS), 2 ** 32 + 5);
  assert.equal(extend(2 ** 32 - 160, 2 ** 32 + 5, TIMESTAMP_MODULUS), 2 ** 32 - 160);
});
