import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeTelephoneEvent,
  DtmfReceiver,
  encodeTelephoneEvent,
  eventOfDigit,
  keyPressPackets,
} from '../../../src/channels/telephony/sip/media/dtmf.ts';

test('RFC 4733 payload: event, end bit, volume and duration in four bytes', () => {
  const bytes = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
  assert.deepEqual([...bytes], [11, 0x80 | 10, 0x03, 0x20]);
  assert.deepEqual(decodeTelephoneEvent(bytes), {
    event: 11,
    end: true,
    volume: 10,
    duration: 800,
  });
  assert.equal(decodeTelephoneEvent(new Uint8Array(3)), undefined);
});

test('keys map to events: 0-9, * = 10, # = 11, A-D = 12-15', () => {
  assert.deepEqual([...'0259*#AD'].map(eventOfDigit), [0, 2, 5, 9, 10, 11, 12, 15]);
  assert.throws(() => eventOfDigit('x'));
});

test('a key press is marked updates then the end packet three times', () => {
  const packets = keyPressPackets('7', 160, 5);
  assert.equal(packets.length, 4 + 3);
  assert.deepEqual(
    packets.map((p) => p.marker),
    [true, false, false, false, false, false, false],
  );
  const events = packets.map((p) => decodeTelephoneEvent(p.payload)!);
  assert.deepEqual(
    events.map((e) => e.duration),
    [160, 320, 480, 640, 800, 800, 800],
  );
  assert.deepEqual(
    events.map((e) => e.end),
    [false, false, false, false, true, true, true],
  );
});

test('the receiver reports each key once, despite retransmitted end packets', () => {
  const heard: string[] = [];
  const receiver = new DtmfReceiver((d) => heard.push(d));
  let ts = 1000;
  for (const digit of '1234#') {
    for (const p of keyPressPackets(digit, 160)) receiver.receive(ts, p.payload);
    ts += 1600;
  }
  assert.deepEqual(heard, ['1', '2', '3', '4', '#']);
});

test('a key whose end packets were all lost is reported when the next one starts', () => {
  const heard: string[] = [];
  const receiver = new DtmfReceiver((d) => heard.push(d));
  for (const p of keyPressPackets('5', 160).slice(0, 4)) receiver.receive(0, p.payload);
  assert.deepEqual(heard, []);
  for (const p of keyPressPackets('6', 160)) receiver.receive(1600, p.payload);
  assert.deepEqual(heard, ['5', '6']);
});
