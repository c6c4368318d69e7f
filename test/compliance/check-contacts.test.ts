import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countAttempts } from '../../src/modules/compliance/caps.ts';
import {
  ComplianceService,
  checkContacts,
  type ContactCheckRequest,
} from '../../src/modules/compliance/compliance.service.ts';
import { endCalls } from '../../src/modules/tasks/calls.repository.ts';
import { interruptedEnd } from '../../src/modules/tasks/call-finalizer.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { seedApp, seedCall, seedTask } from './seed.ts';

// checkContacts, the one check every channel asks: DNC and opt-outs, the window, and caps over
// the ledger of every channel, for a batch in one go.

const NOW = new Date('2024-06-10T03:00:00Z'); // Monday 10:00 WIB

describe(`checkContacts and the ledger (${storeKind})`, () => {
  let store: TestStore;
  let service: ComplianceService;
  before(async () => {
    store = await openTestStore();
    service = new ComplianceService(store.db);
  });
  after(() => store.close());

  const request = (
    appId: number,
    contacts: ContactCheckRequest['contacts'],
    over: Partial<ContactCheckRequest> = {},
  ): ContactCheckRequest => ({
    appId,
    channel: 'whatsapp',
    at: NOW,
    appZone: 'Asia/Jakarta',
    appWindows: null,
    contactCaps: { per_number: { day: 1 }, per_case: { day: null, rolling_7_days: null } },
    contacts,
    ...over,
  });
  const list = (appId: number, number: string, source: string) =>
    store.db.query(
      `INSERT INTO dnc_numbers (app_id, number, reason, source) VALUES ($1, $2, NULL, $3)`,
      [appId, number, source],
    );

  it('decides a batch: blocked (dnc, opt_out), held (caps, window) and allowed', async () => {
    const appId = await seedApp(store.db);
    await list(appId, '+6281200000001', 'api');
    await list(appId, '+6281200000002', 'stop_keyword');
    // A call made today spends the number's one contact of the day, for every channel.
    await seedCall(store.db, appId, await seedTask(store.db, appId), {
      number: '+6281200000003',
      startedAt: '2024-06-10T01:00:00Z',
    });
    const decisions = await checkContacts(
      store.db,
      request(appId, [
        { number: '+6281200000001' },
        { number: '+6281200000002' },
        { number: '+6281200000003' },
        { number: '+6281200000004' },
        // The same number again in the batch: the first one took the day's contact.
        { number: '+6281200000004' },
        // 03:00 in New York: outside its window.
        { number: '+12125550100' },
      ]),
    );
    assert.deepEqual(
      decisions.map((d) => [d.decision, 'reason' in d ? d.reason : d.zone]),
      [
        ['blocked', 'dnc'],
        ['blocked', 'opt_out'],
        ['held', 'caps'],
        ['allowed', 'Asia/Jakarta'],
        ['held', 'caps'],
        ['held', 'window'],
      ],
    );
    const held = decisions[2]!;
    assert.ok(held.decision === 'held');
    // The next local midnight, then the window's 08:00.
    assert.equal(held.nextOpen?.toISOString(), '2024-06-11T01:00:00.000Z');
    assert.deepEqual(held.audit.caps.exceeded, ['number_day']);
  });

  it('counts what the service recorded for another channel, and returns it with its audit', async () => {
    const appId = await seedApp(store.db);
    const number = '+6281200000011';
    const before = await countAttempts(store.db, appId, {
      number,
      caseId: 'case-1',
      zone: 'Asia/Jakarta',
      now: NOW,
    });
    assert.equal(before.number_day, 0);
    const [check] = await service.checkContacts(request(appId, [{ number, caseId: 'case-1' }]));
    assert.ok(check?.decision === 'allowed');
    await service.recordAttempts([
      {
        appId,
        channel: 'sms',
        number,
        caseId: 'case-1',
        taskId: null,
        attemptedAt: NOW,
        source: { kind: 'message', id: 'sms-1' },
        decision: 'allowed',
        reason: null,
        audit: check.audit,
      },
    ]);
    const after = await countAttempts(store.db, appId, {
      number,
      caseId: 'case-1',
      zone: 'Asia/Jakarta',
      now: NOW,
    });
    assert.deepEqual([after.number_day, after.number_7d, after.case_day], [1, 1, 1]);
    const [again] = await service.checkContacts(request(appId, [{ number }], { channel: 'voice' }));
    assert.equal(again?.decision, 'held');
    const history = await service.history(appId, number);
    assert.deepEqual(
      history.map((h) => [h.channel, h.source_id, h.decision]),
      [['sms', 'sms-1', 'allowed']],
    );
    assert.deepEqual(history[0]!.audit, check.audit);
  });

  it('stops counting a call once it ends interrupted (our failure, not a contact)', async () => {
    const appId = await seedApp(store.db);
    const number = '+6281200000021';
    const callId = await seedCall(store.db, appId, await seedTask(store.db, appId), {
      number,
      startedAt: '2024-06-10T02:00:00Z',
      outcome: null,
    });
    const count = async () =>
      (await countAttempts(store.db, appId, { number, caseId: '', zone: 'Asia/Jakarta', now: NOW }))
        .number_day;
    assert.equal(await count(), 1, 'a call in progress counts');
    const ended = await endCalls(store.db, [
      { callId, end: interruptedEnd(new Date('2024-06-10T02:00:00Z'), NOW) },
    ]);
    assert.deepEqual(
      ended.map((c) => [c.id, c.outcome]),
      [[callId, 'interrupted']],
    );
    assert.equal(await count(), 0);
    const [row] = await store.db.query<{ void_reason: string | null }>(
      'SELECT void_reason FROM contact_attempts WHERE source_id = $1',
      [callId],
    );
    assert.equal(row?.void_reason, 'interrupted');
  });

  it('lists opt-outs from every source, a voice intent only when the app asks for it', async () => {
    const appId = await seedApp(store.db);
    await store.db.query('UPDATE apps SET auto_dnc_on_optout = false WHERE id = $1', [appId]);
    const optOut = (number: string, source: 'voice_intent' | 'whatsapp_button' | 'api') =>
      service.optOut({ appId, number, source, reference: 'ref-1' });
    assert.equal(await optOut('+6281200000031', 'voice_intent'), false);
    assert.equal(await optOut('+6281200000032', 'whatsapp_button'), true);
    assert.equal(await optOut('+6281200000033', 'api'), true);
    assert.equal(await optOut('+6281200000033', 'api'), false, 'already listed');
    const rows = await store.db.query<{ number: string; source: string; reason: string }>(
      'SELECT number, source, reason FROM dnc_numbers WHERE app_id = $1 ORDER BY number',
      [appId],
    );
    assert.deepEqual(rows, [
      {
        number: '+6281200000032',
        source: 'whatsapp_button',
        reason: 'opt-out button in message ref-1',
      },
      { number: '+6281200000033', source: 'api', reason: 'opted out: ref-1' },
    ]);
    const decisions = await checkContacts(
      store.db,
      request(appId, [
        { number: '+6281200000031' },
        { number: '+6281200000032' },
        { number: '+6281200000033' },
      ]),
    );
    assert.deepEqual(
      decisions.map((d) => [d.decision, 'reason' in d ? d.reason : '']),
      [
        ['allowed', ''],
        ['blocked', 'opt_out'],
        ['blocked', 'dnc'],
      ],
    );
  });
});
