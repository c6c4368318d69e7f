import type { FastifyInstance } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import { chatbotFamily } from '../../src/api/families/chatbot.ts';
import { defineFamily } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import type { Services } from '../../src/modules/services.ts';
import { readResponse, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// The real server for the surfaces' tests (agent inbox, Huawei and bot channels, company): the
// /v1 routes as served, and the Chatbot family's routes (/api/v1) on a second loopback listener
// of the same services with token auth, until the signing keys (X-AIRudder-Sign) are merged.

/** The Chatbot family, its definition unchanged but for token auth. */
const tokenChatbotFamily = defineFamily<Services>({
  ...chatbotFamily,
  authentication: (services) => tokenAuth(services.auth),
});

export interface SurfacesHarness {
  server: TestServer;
  services: Services;
  /** One token per app, in the order of the names given. */
  tokens: string[];
  appIds: number[];
  /** /v1 on the server. */
  v1(method: string, path: string, body?: unknown, token?: string): Promise<Answer>;
  /** /api/v1 (Chatbot family) with token auth; `raw` sends the string as is. */
  api(path: string, body: unknown, options?: { token?: string; raw?: boolean }): Promise<Answer>;
  /** The outbox rows of one webhook type, oldest first. */
  events(type: string, appId?: number): Promise<Array<{ subject_id: string; payload: any }>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

type Answer = Awaited<ReturnType<typeof readResponse>>;

export function startSurfaces(...names: string[]): Promise<SurfacesHarness> {
  return startSurfacesWith({}, ...names);
}

/** With the workers (webhook delivery) running, and the apps' webhook URL set. */
export async function startSurfacesWith(
  options: { worker?: boolean; webhookUrl?: string },
  ...names: string[]
): Promise<SurfacesHarness> {
  const server = await startTestServer({ worker: options.worker ?? false });
  const services = server.runtime.services;
  const tokens: string[] = [];
  const appIds: number[] = [];
  for (const name of names) {
    const created = await services.auth.createApp({
      name,
      timezone: 'Asia/Jakarta',
      ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    });
    appIds.push(created.app.id);
    tokens.push(await tokenFor(server.url, created.appKey, created.appSecret));
  }
  const chatbotApp: FastifyInstance = bareApp();
  await mountFamily(chatbotApp, tokenChatbotFamily, services);
  const apiUrl = await chatbotApp.listen({ port: 0, host: '127.0.0.1' });

  const send = async (
    base: string,
    method: string,
    path: string,
    body: unknown,
    token: string,
    raw = false,
  ) => {
    const headers: Record<string, string> = { authorization: `Token ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(base + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: raw ? (body as string) : JSON.stringify(body) }),
    });
    return businessStatus(path, await readResponse(response));
  };
  return {
    server,
    services,
    tokens,
    appIds,
    v1: (method, path, body, token) => send(server.url, method, path, body, token ?? tokens[0]!),
    api: (path, body, options = {}) =>
      send(apiUrl, 'POST', path, body, options.token ?? tokens[0]!, options.raw),
    events: async (type, appId) =>
      server.store.db.query(
        `SELECT subject_id, payload FROM webhook_events WHERE type = $1
           AND ($2::bigint IS NULL OR app_id = $2) ORDER BY seq`,
        [type, appId ?? null],
      ),
    async close() {
      await chatbotApp.close();
      await server.close();
    },
  };
}

/**
 * The Chatbot family (/api/v1) answers business errors with HTTP 200 and the error in the
 * envelope's `code` (docs/api-families.md): there `status` is that code, and `http` the HTTP status.
 */
export function businessStatus<R extends { status: number; json?: unknown }>(
  path: string,
  response: R,
): R & { http: number } {
  const code = (response.json as { code?: unknown } | undefined)?.code;
  const business =
    path.startsWith('/api/v1') && response.status === 200 && typeof code === 'number';
  return { ...response, http: response.status, status: business ? code : response.status };
}
