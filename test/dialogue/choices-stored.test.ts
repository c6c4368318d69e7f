import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startConversation, type Action } from '../../src/dialogue/conversation.ts';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { calleeVars } from '../../src/dialogue/template.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { builtinRobots, seedBuiltinRobots } from '../../src/modules/robots/builtin-robots.ts';
import {
  currentScript,
  RobotService,
  usableRobot,
} from '../../src/modules/robots/robots.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// Choices keep the order their author wrote through the store: robots are jsonb, which sorts an
// object's keys (shortest first), so choices are an array. Saved through the real RobotService,
// read back as the services that run a chat read them, offered by a chat listen.

const NOW = new Date('2026-11-19T03:00:00Z');
const AUTHORED = ['Pay today', 'Promise a date', 'Talk to an agent', 'Stop messages'];

function offered(definition: RobotDefinition): string[] {
  const { actions } = startConversation({
    robot: definition,
    vars: calleeVars({ callee_number: '+6281234567000', callee_name: 'Budi' }),
    now: NOW,
    timeZone: 'Asia/Jakarta',
    channel: 'chat',
  });
  const listen = actions.find((a): a is Extract<Action, { type: 'listen' }> => a.type === 'listen');
  return (listen?.choices ?? []).map((c) => c.title);
}

describe(`choices through the store (${storeKind})`, () => {
  let store: TestStore;
  let appId: number;

  before(async () => {
    store = await openTestStore();
    appId = (
      await new AuthService(store.db, loadConfig(), new ManualClock(NOW)).createApp({ name: 'c' })
    ).app.id;
  });
  after(() => store.close());

  it('jsonb reorders an object: what an intent -> title map lost', async () => {
    const [row] = await store.db.query<{ keys: string[] }>(
      `SELECT array(SELECT jsonb_object_keys($1::jsonb)) AS keys`,
      [JSON.stringify({ pay_today: 1, promise: 2, agent: 3, stop: 4 })],
    );
    assert.notDeepEqual(row!.keys, ['pay_today', 'promise', 'agent', 'stop']);
  });

  it("an app's robot, saved and read back, offers its choices in the author's order", async () => {
    const definition = structuredClone(
      builtinRobots().find((r) => r.robot_id === 4502)!.definition,
    );
    definition.name = 'Own_Chat_Robot';
    const { robot } = await new RobotService(store.db).save(appId, definition);
    const stored = await usableRobot(store.db, appId, robot.id);
    assert.ok(stored);
    assert.deepEqual(offered(stored.definition), AUTHORED);
    const again = await new RobotService(store.db).get(appId, robot.id);
    assert.deepEqual(offered(again.robot.definition), AUTHORED);
  });

  it('a built-in chat robot, seeded, offers its choices in the file order', async () => {
    await seedBuiltinRobots(store.db);
    const script = await currentScript(store.db, 4502);
    assert.ok(script);
    assert.deepEqual(offered(script.definition), AUTHORED);
  });
});
