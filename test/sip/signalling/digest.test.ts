import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DigestClient,
  DigestServer,
  digestResponse,
  parseAuthParams,
  parseChallenge,
} from '../../../src/channels/telephony/sip/signalling/digest.ts';

test("RFC 2617's worked example (Mufasa, Circle Of Life) gives its response", () => {
  const response = digestResponse({
    username: 'Mufasa',
    password: 'Circle Of Life',
    realm: 'testrealm@host.com',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    method: 'GET',
    uri: '/dir/index.html',
    qop: { nc: 1, cnonce: '0a4f113b' },
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('the client answers the example challenge with the RFC header fields', () => {
  const challenge = parseChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
      'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.deepEqual(challenge.qop, ['auth', 'auth-int']);
  const client = new DigestClient({ username: 'Mufasa', password: 'Circle Of Life' });
  const header = client.authorize(challenge, 'GET', '/dir/index.html', '0a4f113b');
  const { params } = parseAuthParams(header);
  assert.equal(params.get('response'), '6629fae49393a05397450978507c4ef1');
  assert.equal(params.get('nc'), '00000001');
  assert.equal(params.get('opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
  // The nonce count grows with every use of the same nonce.
  const second = parseAuthParams(client.authorize(challenge, 'GET', '/dir/index.html')).params;
  assert.equal(second.get('nc'), '00000002');
});

test('the server side accepts a right answer, refuses a wrong password and a replay', () => {
  const server = new DigestServer({
    realm: 'tiller.test',
    passwords: (u) => (u === 'robot' ? 's3cret' : undefined),
  });
  const challenge = parseChallenge(server.challenge());
  const good = new DigestClient({ username: 'robot', password: 's3cret' });
  const header = good.authorize(challenge, 'REGISTER', 'sip:tiller.test');
  assert.equal(server.check(header, 'REGISTER'), true);
  assert.equal(server.check(header, 'REGISTER'), false, 'the same nonce count again is a replay');
  assert.equal(server.check(header, 'INVITE'), false, 'the method is part of the digest');
  const bad = new DigestClient({ username: 'robot', password: 'wrong' });
  assert.equal(
    server.check(bad.authorize(challenge, 'REGISTER', 'sip:tiller.test'), 'REGISTER'),
    false,
  );
  assert.equal(server.check(undefined, 'REGISTER'), false);
  assert.equal(server.check('Digest garbage', 'REGISTER'), false);
});

test('without qop (RFC 2069 form) both sides still agree', () => {
  const server = new DigestServer({ realm: 'old', qop: false, passwords: () => 'pw' });
  const challenge = parseChallenge(server.challenge());
  assert.deepEqual(challenge.qop, []);
  const header = new DigestClient({ username: 'u', password: 'pw' }).authorize(
    challenge,
    'INVITE',
    'sip:x@y',
  );
  assert.doesNotMatch(header, /qop=/);
  assert.equal(server.check(header, 'INVITE'), true);
});

test('a challenge in another scheme or algorithm is refused', () => {
  assert.throws(() => parseChallenge('Basic realm="x"'));
  assert.throws(() => parseChallenge('Digest realm="x", nonce="n", algorithm=SHA-512-256'));
  assert.throws(() => parseChallenge('Digest nonce="n"'));
});
