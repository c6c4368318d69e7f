import assert from 'node:assert/strict';
import { client, readResponse, type TestServer } from '../../helpers/server.ts';

// A PDS integrator's view of a test server: an app, its token from the PDS auth (a form post,
// as AIRudder's clients send it), and posts to the PDS family. Other tests reuse it to make PDS
// tasks through the API (createPdsTask) instead of writing rows.

export const PDS = '/service/callcenter/call/predict';

export interface PdsApp {
  appId: number;
  appKey: string;
  appSecret: string;
  token: string;
  /** POST a JSON body to a PDS path (`/createtask`); status, JSON and text of the answer. */
  post(path: string, body: unknown): ReturnType<typeof readResponse>;
}

/** The token of the PDS auth, asked with a form body (`APPKey`, `APPSecret`). */
export async function pdsToken(base: string, appKey: string, appSecret: string): Promise<string> {
  const r = await readResponse(
    await fetch(`${base}${PDS}/auth`, {
      method: 'POST',
      body: new URLSearchParams({ APPKey: appKey, APPSecret: appSecret }),
    }),
  );
  assert.equal(r.json?.code, 0, `PDS auth: ${r.text}`);
  return r.json.body.token as string;
}

/** A new app with its PDS token. `timezone` reads local numbers and task times (default Jakarta). */
export async function pdsApp(
  server: TestServer,
  options: { name?: string; timezone?: string } = {},
): Promise<PdsApp> {
  const created = await server.runtime.services.auth.createApp({
    name: options.name ?? 'pds-app',
    timezone: options.timezone ?? 'Asia/Jakarta',
  });
  const token = await pdsToken(server.url, created.appKey, created.appSecret);
  const http = client(server.url, token);
  return {
    appId: created.app.id,
    appKey: created.appKey,
    appSecret: created.appSecret,
    token,
    post: (path, body) => http.post(`${PDS}${path}`, body),
  };
}

/** A skill group of `agents` simulated agents, ready (names `<name>-sim-001`, ...). */
export async function pdsGroup(server: TestServer, app: PdsApp, name: string, agents = 2) {
  return server.runtime.services.agents.createSimulatedGroup(app.appId, { name, agents });
}

let made = 0;

/** A mobile number no other call of this process has used (+62 812 9xxx xxxx). */
export function freshNumber(): string {
  made += 1;
  return `+628129${String(made).padStart(7, '0')}`;
}

/** A createtask body that works (group Group_A, one fresh number), with `overrides` on top. */
export function taskBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskName: `T_${Math.random().toString(36).slice(2, 10)}`,
    groupName: 'Group_A',
    startTime: '',
    contactList: [freshNumber()],
    ...overrides,
  };
}

/** Creates a PDS task through the API; fails the test unless it is created. */
export async function createPdsTask(
  app: PdsApp,
  overrides: Record<string, unknown> = {},
): Promise<{ taskId: string; errorContactList: unknown[] }> {
  const r = await app.post('/createtask', taskBody(overrides));
  assert.equal(r.json?.code, 0, `createtask: ${r.text}`);
  return r.json.body;
}

/** Asserts a PDS error answer: `{code, message, request_id, body:null}` with that code. */
export function assertPdsCode(
  r: { status: number; json: any; text: string }, // eslint-disable-line @typescript-eslint/no-explicit-any
  code: number,
  what: string,
): void {
  assert.equal(r.json?.code, code, `${what}: ${r.text}`);
  assert.ok(r.status >= 400 && r.status < 500, `${what}: HTTP ${r.status}`);
  assert.equal(r.json.body, null, `${what}: body`);
  assert.equal(typeof r.json.message, 'string', `${what}: message`);
}
