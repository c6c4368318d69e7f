import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { DigestServer } from '../../../src/channels/telephony/sip/signalling/digest.ts';
import {
  getHeader,
  isRequest,
  parseMessage,
} from '../../../src/channels/telephony/sip/signalling/message.ts';
import type { SipMessage } from '../../../src/channels/telephony/sip/signalling/message.ts';
import { nextInvite, offerSdp, startPair } from './peers.ts';

const isInvite = (m: SipMessage) => isRequest(m) && m.method === 'INVITE';
const isOk = (m: SipMessage) => !isRequest(m) && m.status === 200;
const isAck = (m: SipMessage) => isRequest(m) && m.method === 'ACK';

test(
  'a lost INVITE, a lost 200 and a lost ACK are retransmitted and the call completes',
  { timeout: 60_000 },
  async (t) => {
    const { robot, phone, target } = await startPair(t);
    robot.transport.dropNextOutgoing(1, isInvite);
    phone.transport.dropNextOutgoing(1, isOk);
    robot.transport.dropNextOutgoing(1, isAck);
    let invites = 0;
    let answered: Promise<unknown> | undefined;
    phone.onInvite((invite) => {
      invites++;
      answered = invite.answer(offerSdp(5010));
    });
    const call = robot.invite({ target, from: 'sip:robot@tiller.test', sdp: offerSdp(4010) });
    const result = await call.result;
    assert.equal(result.status, 200);
    assert.equal(robot.transport.stats.dropped, 2);
    assert.equal(phone.transport.stats.dropped, 1);
    assert.equal(invites, 1, 'the retransmitted INVITE was absorbed, not a second call');
    // The phone retransmits its 200 until an ACK arrives: our first ACK was lost, so only the
    // re-ACK of the retransmitted 200 can settle the phone's answer.
    await answered;
    assert.equal(robot.transport.stats.dropped, 2);
    await result.dialog!.bye();
    assert.deepEqual(await result.dialog!.ended, { by: 'local' });
  },
);

test(
  'timer B: a target that never answers gives 408 locally after INVITE retransmissions',
  { timeout: 60_000 },
  async (t) => {
    const { robot } = await startPair(t);
    const silent = createSocket('udp4');
    t.after(() => silent.close());
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const branches: string[] = [];
    silent.on('message', (data) => branches.push(getHeader(parseMessage(data), 'Via') ?? ''));
    const call = robot.invite({
      target: `sip:nobody@127.0.0.1:${silent.address().port}`,
      from: 'sip:robot@tiller.test',
      sdp: offerSdp(4012),
    });
    assert.deepEqual(await call.result, { status: 408, reason: 'Request Timeout' });
    assert.ok(branches.length >= 4, `timer A retransmitted (${branches.length} copies)`);
    assert.equal(new Set(branches).size, 1, 'retransmissions are the same transaction');
  },
);

test(
  'a 407-challenged INVITE is retried once with credentials; wrong ones fail',
  { timeout: 60_000 },
  async (t) => {
    for (const password of ['pw', 'wrong']) {
      const { robot, phone, target } = await startPair(t, {
        credentials: { username: 'robot', password },
      });
      const proxy = new DigestServer({ realm: 'trunk', passwords: () => 'pw' });
      let challenges = 0;
      phone.onInvite((invite) => {
        if (proxy.check(getHeader(invite.request, 'Proxy-Authorization'), 'INVITE')) {
          void invite.answer(offerSdp(5014));
          return;
        }
        challenges++;
        invite.reject(407, 'Proxy Authentication Required', {
          'Proxy-Authenticate': proxy.challenge(),
        });
      });
      const result = await robot.invite({
        target,
        from: 'sip:robot@tiller.test',
        sdp: offerSdp(4014),
      }).result;
      if (password === 'pw') {
        assert.equal(result.status, 200);
        assert.equal(challenges, 1);
        await result.dialog!.bye();
      } else {
        assert.equal(result.status, 407);
        assert.equal(challenges, 2);
      }
    }
  },
);

test('a bad datagram is counted and the UA keeps working', { timeout: 60_000 }, async (t) => {
  const { robot, phone, target } = await startPair(t);
  const junk = createSocket('udp4');
  t.after(() => junk.close());
  await new Promise<void>((resolve) =>
    junk.send('INVITE nonsense\r\n\r\n', phone.address.port, '127.0.0.1', () => resolve()),
  );
  const incoming = nextInvite(phone);
  const call = robot.invite({ target, from: 'sip:robot@tiller.test', sdp: offerSdp(4016) });
  (await incoming).reject(603, 'Decline');
  assert.equal((await call.result).status, 603);
  assert.equal(phone.transport.stats.malformed, 1);
});
