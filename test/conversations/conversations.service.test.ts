import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { ConversationEndedError } from '../../src/dialogue/step-machine.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import {
  ConversationConflictError,
  ConversationNotFoundError,
  ConversationService,
} from '../../src/modules/conversations/conversations.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import type { Db, Queryable } from '../../src/store/db.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { CALLEE, NOW, ZONE, message, robotById } from './scripts.ts';

const collection = { id: 4496, version: 1, definition: robotById(4496) };
const start = {
  robot: collection,
  vars: CALLEE,
  channel: 'chat' as const,
  contact: '+628100',
  timeZone: ZONE,
};

/** The store, except that a turn's transaction sees another writer bump the version right after it read. */
function racingDb(db: Db): Db {
  const racing = (tx: Queryable): Queryable => ({
    exec: (sql) => tx.exec(sql),
    async query(sql, params) {
      const rows = await tx.query(sql, params);
      if (/^SELECT .* FROM conversations/s.test(sql.trim()))
        await tx.query('UPDATE conversations SET version = version + 1');
      return rows as never;
    },
  });
  return Object.assign(Object.create(db) as Db, {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(racing(tx))),
  });
}

describe(`conversations (${storeKind})`, () => {
  let store: TestStore;
  let service: ConversationService;
  let appId: number;
  const clock = new ManualClock(NOW);

  before(async () => {
    store = await openTestStore();
    service = new ConversationService(store.db, clock, new KeywordNlu());
    appId = (await new AuthService(store.db, loadConfig(), clock).createApp({ name: 'chat' })).app
      .id;
  });
  after(() => store.close());

  it('starts with the greeting and a listen, and writes each turn', async () => {
    const { id, actions } = await service.start(appId, start);
    assert.deepEqual(
      actions.map((a) => a.type),
      ['say', 'listen'],
    );
    const first = await service.handle(appId, id, message('yes speaking'));
    assert.match((first.actions[0] as { text: string }).text, /When will you be able to pay/);
    const view = await service.get(appId, id);
    assert.equal(view.status, 'active');
    assert.equal(view.result, null);
  });

  it('keeps the result of an ended conversation and refuses further input', async () => {
    const { id } = await service.start(appId, start);
    await service.handle(appId, id, message('yes speaking'));
    const last = await service.handle(appId, id, message('I already paid'));
    assert.deepEqual(
      last.actions.map((a) => a.type),
      ['say', 'end'],
    );
    await assert.rejects(service.handle(appId, id, message('hello?')), ConversationEndedError);
    const view = await service.get(appId, id);
    assert.equal(view.status, 'ended');
    assert.equal(view.result?.intention, 'B');
    assert.deepEqual(view.result?.labels, {
      Correct_Person: 'identity_correct_person',
      Claims_Paid: 'claims_paid',
    });
  });

  it('answers a lost race with a conflict and changes nothing', async () => {
    const { id } = await service.start(appId, start);
    const before = await store.db.query('SELECT state, version FROM conversations WHERE id = $1', [
      id,
    ]);
    const racer = new ConversationService(racingDb(store.db), clock, new KeywordNlu());
    await assert.rejects(
      racer.handle(appId, id, message('yes speaking')),
      ConversationConflictError,
    );
    const now = await store.db.query('SELECT state, version FROM conversations WHERE id = $1', [
      id,
    ]);
    assert.deepEqual(now, before);
    // The conversation goes on from where it was.
    const next = await service.handle(appId, id, message('yes speaking'));
    assert.equal(next.actions.at(-1)?.type, 'listen');
  });

  it('hands a chat to an agent and back, keeping the agent in the transcript', async () => {
    const { id } = await service.start(appId, start);
    const taken = await service.handle(appId, id, {
      kind: 'agent',
      event: 'takeover',
      agent: 'sari',
    });
    assert.deepEqual(
      taken.actions.map((a) => a.type),
      ['listen'],
    );
    const said = await service.handle(appId, id, {
      kind: 'agent',
      event: 'message',
      text: 'Hi, Sari here.',
    });
    assert.deepEqual(said.actions[0], { type: 'say', text: 'Hi, Sari here.' });
    // The robot does not answer while the agent holds the chat.
    const quiet = await service.handle(appId, id, message('stop calling me'));
    assert.deepEqual(
      quiet.actions.map((a) => a.type),
      ['listen'],
    );
    const back = await service.handle(appId, id, { kind: 'agent', event: 'release' });
    assert.match((back.actions[0] as { text: string }).text, /Am I speaking with Budi Santoso/);
    const ended = await service.handle(appId, id, message('stop calling'));
    assert.equal(ended.actions.at(-1)?.type, 'end');
    const { result } = await service.get(appId, id);
    const agentTurn = result!.turns.find((t) => t.agent === 'sari');
    assert.deepEqual(agentTurn && { robot: agentTurn.robotText, heard: agentTurn.heardText }, {
      robot: 'Hi, Sari here.',
      heard: 'stop calling me',
    });
    assert.equal(result!.intention, 'D');
  });

  it('does not show one app the conversations of another', async () => {
    const { id } = await service.start(appId, start);
    await assert.rejects(
      service.handle(appId + 1000, id, message('yes')),
      ConversationNotFoundError,
    );
  });
});
