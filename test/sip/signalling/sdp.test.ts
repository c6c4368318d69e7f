import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  makeAnswer,
  makeOffer,
  negotiate,
  parseSdp,
  SdpError,
  withDirection,
} from '../../../src/channels/telephony/sip/signalling/sdp.ts';

const offer = (formats: string, attributes: string[], extra: string[] = []) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 192.0.2.1',
    's=-',
    'c=IN IP4 192.0.2.1',
    't=0 0',
    ...extra,
    `m=audio 30000 RTP/AVP ${formats}`,
    ...attributes,
  ].join('\r\n') + '\r\n';

test('our offer parses back with every codec and telephone-event at both rates', () => {
  const sdp = makeOffer({ host: '127.0.0.1', port: 4000 });
  const parsed = parseSdp(sdp);
  assert.equal(parsed.host, '127.0.0.1');
  assert.equal(parsed.port, 4000);
  assert.equal(parsed.ptime, 20);
  assert.equal(parsed.direction, 'sendrecv');
  assert.deepEqual(
    parsed.codecs.map((c) => `${c.payloadType} ${c.name}/${c.clockRate}`),
    [
      '96 L16/16000',
      '0 PCMU/8000',
      '8 PCMA/8000',
      '101 telephone-event/8000',
      '102 telephone-event/16000',
    ],
  );
});

test('wideband L16 wins when offered, under the peer payload type numbers', () => {
  const peer = parseSdp(
    offer('0 8 97 110 111', [
      'a=rtpmap:97 L16/16000',
      'a=rtpmap:110 telephone-event/16000',
      'a=rtpmap:111 telephone-event/8000',
    ]),
  );
  assert.deepEqual(negotiate(peer), {
    name: 'L16',
    payloadType: 97,
    clockRate: 16000,
    dtmfPayloadType: 110,
  });
  const answer = parseSdp(
    makeAnswer({ host: '127.0.0.1', port: 5000, offer: peer, choice: negotiate(peer)! }),
  );
  assert.deepEqual(
    answer.codecs.map((c) => [c.payloadType, c.name, c.clockRate]),
    [
      [97, 'L16', 16000],
      [110, 'telephone-event', 16000],
    ],
  );
});

test('PCMU before PCMA, static types without rtpmap, stereo L16 ignored', () => {
  const g711 = parseSdp(offer('8 0 101', ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']));
  assert.deepEqual(negotiate(g711), {
    name: 'PCMU',
    payloadType: 0,
    clockRate: 8000,
    dtmfPayloadType: 101,
  });
  const alaw = parseSdp(offer('8 96', ['a=rtpmap:96 L16/16000/2']));
  assert.deepEqual(negotiate(alaw), { name: 'PCMA', payloadType: 8, clockRate: 8000 });
  assert.equal(negotiate(g711, ['PCMA'])?.name, 'PCMA');
  assert.equal(
    negotiate(parseSdp(offer('9 18', []))),
    undefined,
    'G.722/G.729 only: nothing common',
  );
  assert.equal(negotiate({ ...g711, port: 0 }), undefined, 'a rejected stream');
});

test('direction: session level, media level, hold and the answer to it', () => {
  assert.equal(parseSdp(offer('0', [], ['a=sendonly'])).direction, 'sendonly');
  assert.equal(parseSdp(offer('0', ['a=inactive'], ['a=sendonly'])).direction, 'inactive');
  const held = withDirection(
    makeOffer({ host: '127.0.0.1', port: 4000, version: 1, sessionId: 7 }),
    'sendonly',
  );
  assert.equal(parseSdp(held).direction, 'sendonly');
  assert.match(held, /^o=tiller 7 2 /m, 'a changed SDP has the next version');
  const peer = parseSdp(held);
  const answer = parseSdp(
    makeAnswer({ host: '127.0.0.1', port: 5000, offer: peer, choice: negotiate(peer)! }),
  );
  assert.equal(answer.direction, 'recvonly');
});

test('broken SDP is refused with an SdpError', () => {
  for (const text of [
    '',
    'x=1',
    offer('0', []).replace(/c=.*\r\n/, ''),
    offer('x', []),
    'v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 1 RTP/AVP 96\r\n',
  ]) {
    assert.throws(() => parseSdp(text), SdpError);
  }
});
