import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeader } from '../../../src/channels/telephony/sip/signalling/message.ts';
import {
  makeAnswer,
  negotiate,
  parseSdp,
  withDirection,
} from '../../../src/channels/telephony/sip/signalling/sdp.ts';
import { nextInvite, offerSdp, startPair } from './peers.ts';

const answerTo = (sdp: string | undefined, port: number) => {
  const offer = parseSdp(sdp ?? '');
  return makeAnswer({ host: '127.0.0.1', port, offer, choice: negotiate(offer)! });
};

test(
  'a call rings, gives early media, is answered, held, resumed and hung up by the caller',
  { timeout: 60_000 },
  async (t) => {
    const { robot, phone, target } = await startPair(t);
    const incoming = nextInvite(phone);
    const call = robot.invite({
      target,
      from: 'sip:+6281234@tiller.test',
      fromName: 'Tiller Robot',
      assertedIdentity: 'sip:+6281234@tiller.test',
      sdp: offerSdp(4000),
      headers: { 'X-Task': 'abc' },
    });
    const provisional: number[] = [];
    const early = new Promise<string | undefined>((resolve) =>
      call.onProvisional((r) => {
        provisional.push(r.status);
        if (r.status === 183) resolve(r.sdp);
      }),
    );
    const invite = await incoming;
    assert.equal(invite.callId, call.callId);
    assert.match(invite.from, /^"Tiller Robot" <sip:\+6281234@tiller\.test>;tag=/);
    assert.equal(getHeader(invite.request, 'P-Asserted-Identity'), '<sip:+6281234@tiller.test>');
    assert.equal(getHeader(invite.request, 'X-Task'), 'abc');
    invite.ringing();
    const answerSdp = answerTo(invite.sdp, 5000);
    invite.progress(answerSdp);
    assert.equal(await early, answerSdp);
    const answered = invite.answer(answerSdp);
    const result = await call.result;
    assert.equal(result.status, 200);
    assert.deepEqual(provisional, [180, 183]);
    assert.equal(result.sdp, answerSdp);
    const dialog = result.dialog!;
    const remote = await answered; // resolves once our ACK reached the phone
    assert.equal(remote.callId, call.callId);

    // Hold: the caller offers sendonly, the phone's UA answers recvonly by itself.
    const hold = await dialog.reinvite(withDirection(dialog.localSdp!, 'sendonly'));
    assert.equal(hold.status, 200);
    assert.equal(parseSdp(hold.sdp!).direction, 'recvonly');
    assert.equal(parseSdp(remote.remoteSdp!).direction, 'sendonly');
    const resume = await dialog.reinvite(withDirection(dialog.localSdp!, 'sendrecv'));
    assert.equal(parseSdp(resume.sdp!).direction, 'sendrecv');

    await dialog.bye();
    assert.deepEqual(await dialog.ended, { by: 'local' });
    assert.deepEqual(await remote.ended, { by: 'remote' });
  },
);

test(
  'the callee hangs up, and re-INVITEs the caller first (hold from the far side)',
  { timeout: 60_000 },
  async (t) => {
    const { robot, phone, target } = await startPair(t);
    const incoming = nextInvite(phone);
    const call = robot.invite({ target, from: 'sip:robot@tiller.test', sdp: offerSdp(4002) });
    const invite = await incoming;
    const remote = await Promise.all([invite.answer(answerTo(invite.sdp, 5002)), call.result]);
    const dialog = remote[1].dialog!;
    const offers: string[] = [];
    dialog.onReinvite((sdp) => {
      offers.push(parseSdp(sdp).direction);
      return withDirection(dialog.localSdp!, 'recvonly');
    });
    const hold = await remote[0].reinvite(withDirection(remote[0].localSdp!, 'sendonly'));
    assert.equal(hold.status, 200);
    assert.deepEqual(offers, ['sendonly']);
    assert.equal(parseSdp(hold.sdp!).direction, 'recvonly');

    await remote[0].bye();
    assert.deepEqual(await dialog.ended, { by: 'remote' });
    assert.deepEqual(await remote[0].ended, { by: 'local' });
  },
);

test('a busy callee gives 486, and OPTIONS is answered 200', { timeout: 60_000 }, async (t) => {
  const { robot, phone, target } = await startPair(t);
  phone.onInvite((invite) => invite.reject(486, 'Busy Here'));
  const result = await robot.invite({ target, from: 'sip:robot@tiller.test', sdp: offerSdp(4004) })
    .result;
  assert.deepEqual(result, { status: 486, reason: 'Busy Here' });
  assert.deepEqual(await robot.options(target), { status: 200 });
});

test(
  'CANCEL before the answer: the caller gets 487 and the callee hears the cancel',
  { timeout: 60_000 },
  async (t) => {
    const { robot, phone, target } = await startPair(t);
    const incoming = nextInvite(phone);
    const call = robot.invite({ target, from: 'sip:robot@tiller.test', sdp: offerSdp(4006) });
    const ringing = new Promise<void>((resolve) => call.onProvisional(() => resolve()));
    const invite = await incoming;
    const cancelled = new Promise<void>((resolve) => invite.onCancel(resolve));
    invite.ringing();
    await ringing;
    call.cancel();
    await cancelled;
    assert.deepEqual(await call.result, { status: 487, reason: 'Request Terminated' });
  },
);
