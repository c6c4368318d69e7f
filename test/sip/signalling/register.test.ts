import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cseqOf, getHeader } from '../../../src/channels/telephony/sip/signalling/message.ts';
import { startUa } from './peers.ts';
import { startRegistrar } from './registrar.ts';

const AOR = 'sip:robot@tiller.test';

test(
  'a challenged REGISTER is retried with credentials and refreshed before it expires',
  { timeout: 60_000 },
  async (t) => {
    const registrar = await startRegistrar(t, { grant: 1, password: 'pw' });
    const ua = await startUa(t, { credentials: { username: 'robot', password: 'pw' } });
    const registration = await ua.register({ registrar: registrar.uri, aor: AOR, expires: 3600 });
    assert.equal(registration.state, 'registered');
    assert.equal(registration.expires, 1, 'the granted expiry, not the one asked for');
    await registrar.accepted(3); // two refreshes, each challenged again and answered
    const [first, , third] = registrar.state.accepted;
    assert.equal(getHeader(first!, 'Call-ID'), getHeader(third!, 'Call-ID'));
    assert.ok(cseqOf(third!).seq > cseqOf(first!).seq);
    assert.equal(registrar.state.requests.length, 6, 'each REGISTER was challenged once');

    await registration.unregister();
    assert.equal(registration.state, 'unregistered');
    assert.equal(getHeader(registrar.state.accepted.at(-1)!, 'Expires'), '0');
  },
);

test('wrong credentials: a second challenge is a failure', { timeout: 60_000 }, async (t) => {
  const registrar = await startRegistrar(t, { grant: 60, password: 'pw' });
  const ua = await startUa(t, { credentials: { username: 'robot', password: 'nope' } });
  const registration = await ua.register({ registrar: registrar.uri, aor: AOR, expires: 60 });
  assert.equal(registration.state, 'failed');
  assert.equal(registration.lastStatus, 401);
  assert.equal(registrar.state.requests.length, 2);
});

test(
  'a registrar that stops answering makes the registration fail at its refresh',
  { timeout: 60_000 },
  async (t) => {
    const registrar = await startRegistrar(t, { grant: 1, password: 'pw' });
    const ua = await startUa(t, { credentials: { username: 'robot', password: 'pw' } });
    const registration = await ua.register({ registrar: registrar.uri, aor: AOR, expires: 1 });
    assert.equal(registration.state, 'registered');
    const failed = new Promise<string>((resolve) => registration.onChange(resolve));
    registrar.state.silent = true;
    assert.equal(await failed, 'failed');
    assert.equal(registration.lastStatus, 408);
  },
);
