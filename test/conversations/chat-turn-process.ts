// A process of the two-process chat test: opens the store named by its environment (the
// embedded data dir, or DATABASE_URL's schema), takes turns of a chat, prints JSON and exits.
//
//   node test/conversations/chat-turn-process.ts start <script>            -> {appId, id}
//   node test/conversations/chat-turn-process.ts continue <script> <appId> <id> -> {result}
//
// `start` creates an app, starts the conversation and answers the first question; `continue`
// answers the rest of the script's questions and prints the stored result.
import { loadConfig } from '../../src/config.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { ConversationService } from '../../src/modules/conversations/conversations.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openDb } from '../../src/store/open-db.ts';
import { CALLEE, NOW, ZONE, SCRIPTS, message, robotById } from './scripts.ts';

const [mode, scriptName, appArg, idArg] = process.argv.slice(2);
const script = SCRIPTS[scriptName ?? ''];
if (!script || (mode !== 'start' && mode !== 'continue')) {
  console.error('usage: chat-turn-process.ts start|continue <script> [appId id]');
  process.exit(2);
}

const config = loadConfig();
const db = await openDb(config);
try {
  await migrate(db);
  const conversations = new ConversationService(db, new ManualClock(NOW), new KeywordNlu());
  if (mode === 'start') {
    const { app } = await new AuthService(db, config, new ManualClock(NOW)).createApp({
      name: 'chat',
    });
    const { id } = await conversations.start(app.id, {
      robot: { id: script.robotId, version: 1, definition: robotById(script.robotId) },
      vars: CALLEE,
      channel: 'chat',
      contact: CALLEE.callee_number!,
      timeZone: ZONE,
    });
    await conversations.handle(app.id, id, message(script.answers[0]!));
    console.log(JSON.stringify({ appId: app.id, id }));
  } else {
    const appId = Number(appArg);
    for (const answer of script.answers.slice(1)) {
      await conversations.handle(appId, idArg!, message(answer));
    }
    const view = await conversations.get(appId, idArg!);
    console.log(JSON.stringify({ status: view.status, result: view.result }));
  }
} finally {
  await db.close();
}
