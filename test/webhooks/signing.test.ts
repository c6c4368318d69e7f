import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign, verify, WebhookVerificationError } from '../../src/modules/webhooks/signing.ts';

// The test vector published with the Standard Webhooks / svix libraries: matching it means any
// of those libraries verifies what Tiller sends.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = 1614265330;
const body = '{"test": 2432232314}';

describe('webhook signing', () => {
  it('matches the Standard Webhooks test vector', () => {
    assert.deepEqual(sign(secret, id, timestamp, body), {
      'webhook-id': id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('verifies within the tolerance and rejects replays, tampering and other keys', () => {
    const headers = sign(secret, id, timestamp, body);
    verify(secret, headers, body, { nowSeconds: timestamp + 299 });
    const fails = (h: Record<string, string>, b = body, now = timestamp) =>
      assert.throws(() => verify(secret, h, b, { nowSeconds: now }), WebhookVerificationError);
    fails(headers, body, timestamp + 301);
    fails(headers, body, timestamp - 301);
    fails(headers, '{"test": 2432232315}');
    fails({ ...headers, 'webhook-id': 'msg_other' });
    fails({ ...headers, 'webhook-timestamp': String(timestamp + 1) });
    fails({ ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') });
    fails({ 'webhook-id': id, 'webhook-timestamp': String(timestamp) });
    const otherKey = sign('whsec_' + Buffer.alloc(24, 7).toString('base64'), id, timestamp, body);
    fails(otherKey);
  });

  it('accepts any one of several signatures (secret rotation)', () => {
    const headers = sign(secret, id, timestamp, body);
    const rotated = {
      ...headers,
      'webhook-signature': `v1,AAAA v1a,xyz ${headers['webhook-signature']}`,
    };
    verify(secret, rotated, body, { nowSeconds: timestamp });
  });
});
