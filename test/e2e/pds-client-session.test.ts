import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readWav } from '../../src/dialogue/wav.ts';
import { ScaledClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import type { readResponse } from '../helpers/server.ts';
import { client, startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { PDS, pdsToken } from '../pds/api/pds-client.ts';

// Issue 13: a PDS integrator's whole session, replayed over HTTP as a client such as JULO's
// sends it (spec/workflow-api.md Appendix B, §18): the form auth, createtask with local-format
// numbers and a base64 callback, an immediate cancel of two numbers, the task run by the
// predictive dialer with two simulated agents and the app's default opening robot, the task list,
// the call detail page by page, a recording downloaded from its link without a token, and the
// webhooks the callback received, in order per call. Only the set-up (the app and its skill
// group) goes through the services; everything the integrator does is an HTTP request.

const SCALE = 100;
/** 09:00 on a Monday in Jakarta: the app's zone, so 08… numbers are Indonesian. */
const START = new Date('2026-12-07T02:00:00Z');

/** Local numbers whose last digit picks the simulated persona (docs/simulator.md). */
const TALKS = ['081234500010', '081234500020', '081234500030', '081234500040', '081234500050'];
const WRONG_PERSON = '081234500062';
const NO_ANSWER = '081234500075';
const BUSY = '081234500086';
const TO_CANCEL = ['081234500090', '081234500100'];
const e164 = (local: string) => `+62${local.slice(1)}`;

interface Webhook {
  type: 'TaskStatus' | 'ContactStatus' | 'AgentStatus';
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- webhook bodies
}

describe(`a PDS client's session, replayed (${storeKind})`, () => {
  let server: TestServer;
  let callback: Receiver;
  let post: (path: string, body: unknown) => ReturnType<typeof readResponse>;
  let taskId: string;
  const taskName = 'JULO_B1_20261207';

  before(async () => {
    server = await startTestServer({
      clock: new ScaledClock(START, SCALE),
      worker: true,
      config: { timeScale: SCALE, pollIntervalMs: 20 },
    });
    callback = await startReceiver();
    const { services } = server.runtime;
    const app = await services.auth.createApp({ name: 'Julo', timezone: 'Asia/Jakarta' });
    await services.agents.createSimulatedGroup(app.app.id, { name: 'Group_A', agents: 2 });
    // The integrator's side from here on.
    const token = await pdsToken(server.url, app.appKey, app.appSecret);
    const http = client(server.url, token);
    post = (path, body) => http.post(`${PDS}${path}`, body);
  });
  after(async () => {
    await server?.close();
    await callback?.close();
  });

  it('creates the task from local numbers and answers the contacts it could not take', async () => {
    const contacts = [...TALKS, WRONG_PERSON, NO_ANSWER, BUSY, ...TO_CANCEL];
    const r = await post('/createtask', {
      taskName,
      startTime: '',
      groupName: 'Group_A',
      callback: Buffer.from(callback.url).toString('base64'),
      dialingMode: 'progressive',
      acwTime: 5,
      customizeContacts: [
        ...contacts.map((phone, i) => ({
          PhoneNumber: phone,
          name: `Customer ${i}`,
          loanId: `L-${i}`,
        })),
        { PhoneNumber: '12', name: 'Not a number' },
      ],
      unknownKey: 'ignored',
    });
    assert.equal(r.json.code, 0, r.text);
    assert.equal(r.json.message, 'successfully');
    assert.match(r.json.body.taskId, /^[0-9a-f]{32}$/);
    assert.deepEqual(r.json.body.errorContactList, [{ PhoneNumber: '12', name: 'Not a number' }]);
    taskId = r.json.body.taskId;

    // Progressive with two agents: two lines at first, so the last two numbers still wait.
    const cancelled = await post('/canceltaskcontacts', {
      TaskID: taskId,
      contactList: [...TO_CANCEL, '081299999999'],
    });
    assert.equal(cancelled.json.code, 0, cancelled.text);
    assert.equal(cancelled.json.message, 'successfully');
    assert.deepEqual(cancelled.json.body.contactList, TO_CANCEL, 'only the numbers removed');
  });

  it('runs the task to Finished, as the task list and the TaskStatus webhook say', async () => {
    await waitFor(
      'the TaskStatus Finished webhook',
      () =>
        webhooks().some((w) => w.type === 'TaskStatus' && w.body.state === 'Finished')
          ? true
          : undefined,
      120_000,
    );
    const list = await post('/querytasklist', { taskName, limit: 10 });
    assert.equal(list.json.code, 0, list.text);
    assert.equal(list.json.message, 'successfully');
    const [task] = list.json.body.list;
    assert.equal(list.json.body.list.length, 1);
    assert.equal(task.taskId, taskId);
    assert.equal(task.state, 'Finished');
  });

  it('pages the call detail: totals, keys, formats, and no call twice', async () => {
    const pages = [];
    for (let offset = 0; ; offset += 3) {
      const r = await post('/querytaskdetail', { taskId, limit: 3, offset, orderBy: 'calltime' });
      assert.equal(r.json.code, 0, r.text);
      assert.equal(r.json.body.total, 8, 'eight numbers dialled, two cancelled before');
      pages.push(r.json.body.list);
      if (r.json.body.list.length < 3) break;
    }
    const calls = pages.flat();
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 2],
    );
    assert.equal(new Set(calls.map((c) => c.callid)).size, 8);
    assert.deepEqual(
      calls.map((c) => c.phoneNumber).sort(),
      [...TALKS, WRONG_PERSON, NO_ANSWER, BUSY].map(e164).sort(),
      'numbers in E.164, read in the app country',
    );
    for (const call of calls) {
      assert.equal(call.taskId, taskId);
      assert.equal(call.taskName, taskName);
      assert.equal(typeof call.hangupReason, 'number');
      assert.match(call.calltime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.ok(Array.isArray(call.customizeResults));
    }
    const reasons = Object.fromEntries(calls.map((c) => [c.phoneNumber, c.hangupReason]));
    for (const phone of TALKS) assert.equal(reasons[e164(phone)], 12, `${phone} talked`);
    assert.equal(reasons[e164(WRONG_PERSON)], 9);
    assert.equal(reasons[e164(NO_ANSWER)], 2);
    assert.equal(reasons[e164(BUSY)], 3);
    const talked = calls.find((c) => c.phoneNumber === e164(TALKS[0]!));
    assert.ok(talked.customizeResults.length > 0, "the agent's form");
    for (const item of talked.customizeResults)
      assert.deepEqual(Object.keys(item).sort(), ['groupName', 'title', 'value']);

    // The `like` filter on callid finds exactly one call.
    const one = await post('/querytaskdetail', {
      taskId,
      like: [{ field: 'callid', pattern: `${talked.callid.slice(0, 12)}%` }],
    });
    assert.equal(one.json.body.total, 1);
    assert.equal(one.json.body.list[0].callid, talked.callid);
  });

  it('gives a recording link that downloads a WAV without a token', async () => {
    const detail = await post('/querytaskdetail', { taskId });
    const talked = detail.json.body.list.find(
      (c: { hangupReason: number }) => c.hangupReason === 12,
    );
    const r = await post('/case/recording', { callid: talked.callid });
    assert.equal(r.json.code, 0, r.text);
    const download = await fetch(r.json.body.link);
    assert.equal(download.status, 200);
    const wav = readWav(new Uint8Array(await download.arrayBuffer()));
    assert.ok(wav.samples.length > wav.sampleRate, 'more than a second of audio');
    // A call that never talked has no recording to give.
    const busy = detail.json.body.list.find(
      (c: { phoneNumber: string }) => c.phoneNumber === e164(BUSY),
    );
    const refused = await post('/case/recording', { callid: busy.callid });
    assert.equal(refused.json.code, 10612, refused.text);
  });

  it('sent the webhooks to the callback, in order per call', async () => {
    const detail = await post('/querytaskdetail', { taskId });
    const calls: Array<{ callid: string; hangupReason: number; phoneNumber: string }> =
      detail.json.body.list;
    await waitFor('every talked call to report its agent form', () => {
      const results = webhooks().filter(
        (w) => w.type === 'AgentStatus' && w.body.State === 'TALKRESULT',
      );
      return results.length === TALKS.length ? true : undefined;
    });
    const all = webhooks();
    assert.deepEqual(
      all.filter((w) => w.type === 'TaskStatus').map((w) => w.body.state),
      ['Running', 'Finished'],
    );
    for (const call of calls) {
      const mine = all.filter((w) => w.body.callid === call.callid);
      const states = mine.map((w) => `${w.type}:${w.body.state ?? w.body.State}`);
      const talked = call.hangupReason === 12;
      const answered = talked || call.phoneNumber === e164(WRONG_PERSON);
      const expected = [
        'ContactStatus:CALLING',
        'ContactStatus:RINGING',
        ...(answered ? ['ContactStatus:ANSWERED'] : []),
      ];
      assert.deepEqual(states.slice(0, expected.length), expected, `${call.phoneNumber} starts`);
      assert.equal(states.filter((s) => s === 'ContactStatus:HANGUP').length, 1);
      if (talked) {
        const agent = states.filter((s) => s.startsWith('AgentStatus'));
        assert.deepEqual(agent, [
          'AgentStatus:ANSWERED',
          'AgentStatus:HANGUP',
          'AgentStatus:TALKRESULT',
        ]);
        assert.ok(
          states.indexOf('ContactStatus:ANSWERED') < states.indexOf('AgentStatus:ANSWERED'),
        );
      } else {
        assert.equal(states.length, expected.length + 1, `${call.phoneNumber}: no agent events`);
        assert.equal(states.at(-1), 'ContactStatus:HANGUP');
      }
      const hangup = mine.find((w) => w.type === 'ContactStatus' && w.body.state === 'HANGUP')!;
      assert.equal(hangup.body.hangupReason, call.hangupReason);
      assert.equal(hangup.body.phoneNumber, call.phoneNumber);
      assert.equal(hangup.body.taskName, taskName);
      assert.match(hangup.body.contactName, /^Customer \d$/, 'the name sent as "name"');
    }
    // Nothing for the cancelled numbers.
    for (const phone of TO_CANCEL)
      assert.equal(all.filter((w) => w.body.phoneNumber === e164(phone)).length, 0);
  });

  function webhooks(): Webhook[] {
    return callback.requests.map((r) => JSON.parse(r.body) as Webhook);
  }
});
