import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { dncNumbersAmong } from '../../src/modules/dnc/dnc.repository.ts';
import { DncService, optOut } from '../../src/modules/dnc/dnc.service.ts';
import { AppError } from '../../src/shared/errors.ts';
import type { Queryable } from '../../src/store/db.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { createApp, listed, numbers } from './harness.ts';

// The do-not-call list through its service and the dialer's batch query, on the store CI runs.

/** An AppError with this HTTP status whose message matches. */
const appError = (http: number, message: RegExp) => (error: unknown) =>
  error instanceof AppError && error.spec.http === http && message.test(error.message);

describe(`do-not-call list (${storeKind})`, () => {
  let store: TestStore;
  let service: DncService;
  let appId: number;

  before(async () => {
    store = await openTestStore();
    service = new DncService(store.db);
  });
  after(async () => {
    await store.close();
  });
  beforeEach(async () => {
    appId = (await createApp(store.db)).id;
  });

  describe('add and remove', () => {
    it('adds numbers in E.164 form, each once, and says which were new', async () => {
      const result = await service.add(
        appId,
        ['+62 812-0000-0002', '+6281200000001', '+62 (812) 00000002'],
        { reason: '  asked by email ', source: 'api' },
      );
      assert.deepEqual(result, { added: ['+6281200000002', '+6281200000001'], already_listed: [] });
      assert.deepEqual(await listed(store.db, appId), [
        { number: '+6281200000001', reason: 'asked by email', source: 'api' },
        { number: '+6281200000002', reason: 'asked by email', source: 'api' },
      ]);
    });

    it('keeps the first reason and source when a number is added again', async () => {
      await service.add(appId, ['+6281200000001'], { reason: 'first', source: 'api' });
      const again = await service.add(appId, ['+6281200000001', '+6281200000003'], {
        reason: 'second',
        source: 'cli',
      });
      assert.deepEqual(again, { added: ['+6281200000003'], already_listed: ['+6281200000001'] });
      const rows = await listed(store.db, appId);
      assert.deepEqual(rows[0], { number: '+6281200000001', reason: 'first', source: 'api' });
      assert.deepEqual(rows[1], { number: '+6281200000003', reason: 'second', source: 'cli' });
    });

    it('refuses the whole request when one number is invalid, naming it', async () => {
      await assert.rejects(
        service.add(appId, ['+6281200000001', '0812 0000 0001', '+62 12'], { source: 'api' }),
        (error) =>
          error instanceof AppError &&
          error.key === 'invalid_phone' &&
          error.message.includes('numbers[1] "0812 0000 0001"; numbers[2] "+62 12"'),
      );
      assert.deepEqual(await listed(store.db, appId), []);
      await assert.rejects(service.add(appId, [], { source: 'api' }), appError(400, /empty/));
      await assert.rejects(
        service.add(appId, ['+6281200000001'], { reason: 'x'.repeat(501), source: 'api' }),
        appError(400, /reason must be at most 500/),
      );
    });

    it('removes a listed number, and answers 404 for one that is not listed', async () => {
      await service.add(appId, ['+6281200000001', '+6281200000002'], { source: 'api' });
      assert.deepEqual(await service.remove(appId, '+62 812 0000 0001'), { removed: true });
      assert.deepEqual(
        (await listed(store.db, appId)).map((r) => r.number),
        ['+6281200000002'],
      );
      await assert.rejects(
        service.remove(appId, '+6281200000001'),
        appError(404, /\+6281200000001/),
      );
      await assert.rejects(service.remove(appId, 'nope'), appError(400, /"nope"/));
    });
  });

  describe('list', () => {
    it('pages in number order with the total, times in the app zone', async () => {
      await service.add(appId, numbers(25).reverse(), { reason: 'r', source: 'api' });
      const first = await service.list(appId, { page: 1, page_size: 10 });
      assert.equal(first.total, 25);
      assert.equal(first.page_size, 10);
      assert.deepEqual(
        first.list.map((e) => e.number),
        numbers(10),
      );
      assert.match(first.list[0]!.create_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.equal(first.list[0]!.source, 'api');
      const last = await service.list(appId, { page: 3, page_size: 10 });
      assert.deepEqual(
        last.list.map((e) => e.number),
        numbers(5, 20),
      );
      assert.equal((await service.list(appId, {})).page_size, 20, 'default page size');
    });

    it('filters by prefix, with or without the +', async () => {
      await service.add(appId, [...numbers(12), '+12025550123', '+442071838750'], {
        source: 'api',
      });
      for (const prefix of ['+628120000001', '628120000001', '+62 812 0000 001']) {
        const page = await service.list(appId, { prefix });
        assert.equal(page.total, 2, prefix);
        assert.deepEqual(
          page.list.map((e) => e.number),
          ['+6281200000010', '+6281200000011'],
          prefix,
        );
      }
      assert.equal((await service.list(appId, { prefix: '+1' })).total, 1);
      assert.equal((await service.list(appId, { prefix: '+6' })).total, 12);
      assert.equal((await service.list(appId, { prefix: '+9' })).total, 0);
      await assert.rejects(service.list(appId, { prefix: "+62' OR 1=1" }), appError(400, /prefix/));
    });
  });

  describe('import', () => {
    it('reads a header, comments, blank lines, reasons, quotes and CRLF', async () => {
      const csv = [
        '\uFEFFnumber,reason',
        '# exported from the CRM',
        '+6281200000001,asked on the phone',
        '',
        '"+62 812 0000 0002","moved, new owner"',
        '+6281200000003',
        '+6281200000001,listed twice',
        '  +6281200000004 , spaces  ,',
      ].join('\r\n');
      assert.deepEqual(await service.importCsv(appId, csv), {
        numbers: 4,
        added: 4,
        already_listed: 0,
      });
      assert.deepEqual(await listed(store.db, appId), [
        { number: '+6281200000001', reason: 'asked on the phone', source: 'import' },
        { number: '+6281200000002', reason: 'moved, new owner', source: 'import' },
        { number: '+6281200000003', reason: null, source: 'import' },
        { number: '+6281200000004', reason: 'spaces', source: 'import' },
      ]);
      assert.deepEqual(await service.importCsv(appId, '+6281200000001\n+6281200000009\n'), {
        numbers: 2,
        added: 1,
        already_listed: 1,
      });
    });

    it('refuses a file with one bad line and writes nothing', async () => {
      await service.add(appId, ['+6281200000100'], { source: 'api' });
      const lines = numbers(10).map((n) => `${n},ok`);
      lines.splice(6, 0, '+62 12,too short');
      await assert.rejects(
        service.importCsv(appId, lines.join('\n')),
        (error) =>
          error instanceof AppError &&
          error.key === 'invalid_phone' &&
          error.message === 'Incorrect phone number: line 7: "+62 12"',
      );
      assert.deepEqual(
        (await listed(store.db, appId)).map((r) => r.number),
        ['+6281200000100'],
        'only what was there before',
      );
    });

    it('lists the first ten bad lines and counts the rest; other problems are bad_request', async () => {
      const bad = Array.from({ length: 13 }, (_, i) => `12345${i}`);
      await assert.rejects(
        service.importCsv(appId, ['+6281200000001', ...bad].join('\n')),
        (error) =>
          error instanceof AppError &&
          error.key === 'invalid_phone' &&
          error.message.includes('line 2: "123450"; ') &&
          error.message.includes('line 11: "123459"; and 3 more'),
      );
      await assert.rejects(
        service.importCsv(appId, '+6281200000001,a,b\n+6281200000002,"open\n'),
        (error) =>
          error instanceof AppError &&
          error.key === 'bad_request' &&
          /line 1: 3 columns/.test(error.message) &&
          /line 2: unclosed quote/.test(error.message),
      );
      await assert.rejects(
        service.importCsv(appId, `+6281200000001,${'x'.repeat(501)}`),
        appError(400, /line 1: reason longer than 500/),
      );
      await assert.rejects(
        service.importCsv(appId, 'number\n# none\n'),
        appError(400, /no numbers/),
      );
      await assert.rejects(
        service.importCsv(appId, '+6281200000001,a\u0000b'),
        appError(400, /line 1: contains a NUL/),
      );
      assert.deepEqual(await listed(store.db, appId), []);
    });

    it('imports 10,000 numbers, and refuses more than 100,000', async () => {
      const csv = numbers(10_000)
        .map((n, i) => `${n},batch ${i}`)
        .join('\n');
      assert.deepEqual(await service.importCsv(appId, csv), {
        numbers: 10_000,
        added: 10_000,
        already_listed: 0,
      });
      assert.equal((await service.list(appId, {})).total, 10_000);
      const huge = numbers(100_001).join('\n');
      await assert.rejects(service.importCsv(appId, huge), appError(400, /at most 100000/));
      assert.equal((await service.list(appId, {})).total, 10_000);
    });
  });

  describe('the dialer query', () => {
    it('returns the listed numbers among a batch in one query', async () => {
      await service.add(appId, ['+6281200000001', '+6281200000003'], { source: 'api' });
      const other = (await createApp(store.db)).id;
      await service.add(other, ['+6281200000002'], { source: 'api' });
      const batch = numbers(5);
      assert.deepEqual(
        await dncNumbersAmong(store.db, appId, batch),
        new Set(['+6281200000001', '+6281200000003']),
      );
      assert.deepEqual(await dncNumbersAmong(store.db, other, batch), new Set(['+6281200000002']));
      assert.deepEqual(await dncNumbersAmong(store.db, appId, []), new Set());
      const inTx = await store.db.transaction((tx) =>
        dncNumbersAmong(tx, appId, ['+6281200000003', '+6281200000009']),
      );
      assert.deepEqual(inTx, new Set(['+6281200000003']));
    });
  });

  describe('verbal opt-out', () => {
    // The call finalizer's opt-out: a voice intent, referring to its call.
    const optOutFromCall = (tx: Queryable, appId: number, number: string, callId?: string) =>
      optOut(tx, {
        appId,
        number,
        source: 'voice_intent',
        ...(callId ? { reference: callId } : {}),
      });

    it('lists the number as verbal by default (a new app), once', async () => {
      assert.deepEqual(await service.getSettings(appId), { auto_dnc_on_optout: true });
      const callId = 'a'.repeat(32);
      const first = await store.db.transaction((tx) =>
        optOutFromCall(tx, appId, '+6281200000001', callId),
      );
      const second = await store.db.transaction((tx) =>
        optOutFromCall(tx, appId, '+6281200000001'),
      );
      assert.deepEqual([first, second], [true, false]);
      assert.deepEqual(await listed(store.db, appId), [
        { number: '+6281200000001', reason: `opted out during call ${callId}`, source: 'verbal' },
      ]);
      assert.equal(
        await store.db.transaction((tx) => optOutFromCall(tx, appId, 'not a number')),
        false,
      );
    });

    it('adds nothing once the app switches it off', async () => {
      assert.deepEqual(await service.setSettings(appId, { auto_dnc_on_optout: false }), {
        auto_dnc_on_optout: false,
      });
      assert.deepEqual(await service.getSettings(appId), { auto_dnc_on_optout: false });
      const added = await store.db.transaction((tx) =>
        optOutFromCall(tx, appId, '+6281200000001', 'c'.repeat(32)),
      );
      assert.equal(added, false);
      assert.deepEqual(await listed(store.db, appId), []);
    });

    it('rolls back with the transaction that called it', async () => {
      await service.setSettings(appId, { auto_dnc_on_optout: true });
      await assert.rejects(
        store.db.transaction(async (tx) => {
          await optOutFromCall(tx, appId, '+6281200000001');
          throw new Error('finalize failed');
        }),
        /finalize failed/,
      );
      assert.deepEqual(await listed(store.db, appId), []);
    });
  });

  describe('tenancy', () => {
    it('keeps each app to its own list', async () => {
      const a = appId;
      const b = (await createApp(store.db)).id;
      await service.add(a, ['+6281200000001', '+6281200000002'], {
        reason: 'a',
        source: 'api',
      });
      assert.equal((await service.list(b, {})).total, 0, "B sees none of A's numbers");
      assert.equal((await service.list(b, { prefix: '+62' })).total, 0);
      await assert.rejects(service.remove(b, '+6281200000001'), appError(404, /\+6281200000001/));
      assert.equal((await service.list(a, {})).total, 2, "B's remove changed nothing");

      const both = await service.add(b, ['+6281200000001'], { reason: 'b', source: 'cli' });
      assert.deepEqual(both.added, ['+6281200000001'], 'listed by B independently');
      await service.remove(a, '+6281200000001');
      assert.deepEqual(await listed(store.db, b), [
        { number: '+6281200000001', reason: 'b', source: 'cli' },
      ]);
      await service.setSettings(b, { auto_dnc_on_optout: false });
      assert.deepEqual(await service.getSettings(a), { auto_dnc_on_optout: true });
    });

    it('goes with its app when the app is deleted', async () => {
      await service.add(appId, ['+6281200000001'], { source: 'api' });
      await store.db.query('DELETE FROM apps WHERE id = $1', [appId]);
      assert.deepEqual(await listed(store.db, appId), []);
      await assert.rejects(service.getSettings(appId), appError(401, /token/i));
    });
  });
});
