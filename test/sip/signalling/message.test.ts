import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import {
  formatNameAddr,
  parseNameAddr,
  parseSipUri,
  parseVia,
} from '../../../src/channels/telephony/sip/signalling/address.ts';
import {
  getHeader,
  getHeaders,
  isRequest,
  parseMessage,
  serializeMessage,
  SipParseError,
} from '../../../src/channels/telephony/sip/signalling/message.ts';
import {
  responseTarget,
  UdpTransport,
} from '../../../src/channels/telephony/sip/signalling/transport-udp.ts';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

const INVITE = [
  'INVITE sip:bob@127.0.0.1:5070 SIP/2.0',
  'v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKdef',
  'Via: SIP/2.0/UDP 10.0.0.3:5062;branch=z9hG4bKghi',
  'max-forwards: 70',
  'f: "Alice \\"A\\" Smith" <sip:alice@example.com;user=phone>;tag=1928',
  't: <sip:bob@example.com>',
  'i: a84b4c76e66710',
  'CSEQ: 314159 INVITE',
  'm: <sip:alice@10.0.0.1:5060>',
  'Record-Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>',
  'Subject: a folded',
  '  header value',
  'c: application/sdp',
  `l: ${Buffer.byteLength(SDP)}`,
  '',
  SDP,
].join('\r\n');

test('a request with compact forms, lists and a folded header parses and writes back', () => {
  const message = parseMessage(INVITE);
  assert.ok(isRequest(message));
  assert.equal(message.method, 'INVITE');
  assert.equal(message.uri, 'sip:bob@127.0.0.1:5070');
  assert.deepEqual(
    getHeaders(message, 'via').map((v) => parseVia(v).params.get('branch')),
    ['z9hG4bKabc', 'z9hG4bKdef', 'z9hG4bKghi'],
  );
  assert.equal(getHeader(message, 'call-id'), 'a84b4c76e66710');
  assert.equal(getHeader(message, 'Subject'), 'a folded header value');
  assert.deepEqual(getHeaders(message, 'record-route'), [
    '<sip:p1.example.com;lr>',
    '<sip:p2.example.com;lr>',
  ]);
  assert.equal(message.body, SDP);

  const again = parseMessage(serializeMessage(message));
  assert.deepEqual(again, message);
  assert.match(serializeMessage(message).toString(), /^Call-ID: a84b4c76e66710\r$/m);
  assert.match(serializeMessage(message).toString(), /^CSeq: 314159 INVITE\r$/m);
});

test('name-addr values parse with display names, URI params and header params', () => {
  const from = parseNameAddr(
    '"Alice \\"A\\" Smith" <sip:alice@example.com:5080;user=phone>;tag=1928',
  );
  assert.equal(from.displayName, 'Alice "A" Smith');
  assert.equal(from.uri.user, 'alice');
  assert.equal(from.uri.port, 5080);
  assert.equal(from.uri.params.get('user'), 'phone');
  assert.equal(from.params.get('tag'), '1928');
  assert.equal(parseNameAddr(formatNameAddr(from)).displayName, 'Alice "A" Smith');

  const bare = parseNameAddr('sip:bob@example.com;tag=77');
  assert.equal(bare.params.get('tag'), '77', 'an addr-spec puts its params on the header');
  assert.equal(parseNameAddr('Bob <sip:bob@[::1]:5060>').uri.host, '[::1]');
  assert.equal(parseSipUri('sip:example.com;lr').params.get('lr'), null);
});

test('a body is cut at Content-Length and a response parses', () => {
  const response = parseMessage(
    [
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx',
      'From: <sip:a@b>;tag=1',
      'To: <sip:c@d>;tag=2',
      'Call-ID: x',
      'CSeq: 1 INVITE',
      'Content-Length: 3',
      '',
      'abcdef',
    ].join('\r\n'),
  );
  assert.ok(!isRequest(response));
  assert.equal(response.status, 180);
  assert.equal(response.reason, 'Ringing');
  assert.equal(response.body, 'abc');
});

test('malformed messages are refused with a SipParseError', () => {
  const base = [
    'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
    'From: <sip:a@b>;tag=1',
    'To: <sip:c@d>',
    'Call-ID: x',
  ];
  const bad = [
    '',
    '\r\n\r\n',
    'HELLO WORLD\r\n\r\n',
    ['INVITE sip:x SIP/3.0', ...base, 'CSeq: 1 INVITE', '', ''].join('\r\n'),
    ['INVITE sip:x SIP/2.0', ...base, 'CSeq: 1 BYE', '', ''].join('\r\n'),
    ['INVITE sip:x SIP/2.0', ...base, '', ''].join('\r\n'),
    ['INVITE sip:x SIP/2.0', ...base, 'CSeq: 1 INVITE', 'Content-Length: 50', '', 'short'].join(
      '\r\n',
    ),
    ['INVITE sip:x SIP/2.0', ...base, 'CSeq: 1 INVITE', 'no colon here', '', ''].join('\r\n'),
    ['SIP/2.0 999 What', ...base, 'CSeq: 1 INVITE', '', ''].join('\r\n'),
  ];
  for (const text of bad) {
    assert.throws(() => parseMessage(text), SipParseError, JSON.stringify(text.slice(0, 40)));
  }
});

test('the transport drops and counts a bad datagram, stamps received/rport, answers there', async (t) => {
  const transport = await UdpTransport.bind({ host: '127.0.0.1', port: 0 });
  const client = createSocket('udp4');
  t.after(async () => {
    client.close();
    await transport.close();
  });
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const received = new Promise<{ via: string | undefined }>((resolve) =>
    transport.onMessage((message) => resolve({ via: getHeader(message, 'Via') })),
  );
  const { port } = transport.address;
  client.send('garbage\r\n\r\n', port, '127.0.0.1');
  client.send(
    [
      'OPTIONS sip:x@127.0.0.1 SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKq;rport',
      'From: <sip:a@b>;tag=1',
      'To: <sip:x@127.0.0.1>',
      'Call-ID: c1',
      'CSeq: 1 OPTIONS',
      '',
      '',
    ].join('\r\n'),
    port,
    '127.0.0.1',
  );
  const { via } = await received;
  assert.equal(transport.stats.malformed, 1);
  assert.ok(via);
  const stamped = parseVia(via);
  assert.equal(stamped.params.get('received'), '127.0.0.1');
  assert.equal(stamped.params.get('rport'), String(client.address().port));
  const target = responseTarget({
    status: 200,
    reason: 'OK',
    headers: [{ name: 'Via', value: via }],
    body: '',
  });
  assert.deepEqual(target, { host: '127.0.0.1', port: client.address().port });
});
