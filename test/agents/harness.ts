import { readResponse, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';
import type { Clock } from '../../src/shared/clock.ts';

// What the agents tests share: the real server, an app with a token, and a /v1 client that also
// speaks PATCH and DELETE.

export type V1 = ReturnType<typeof v1Client>;

export function v1Client(base: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) =>
    readResponse(
      await fetch(base + path, {
        method,
        headers: {
          authorization: `Token ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

/** A server (workers as asked) and apps with their ids and /v1 clients. */
export async function agentWorld(
  options: { worker?: boolean; clock?: Clock; apps?: string[] } = {},
): Promise<{ server: TestServer; apps: Array<{ id: number; api: V1 }> }> {
  const server = await startTestServer({
    worker: options.worker ?? false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const apps = [];
  for (const name of options.apps ?? ['agents-a']) {
    const created = await server.runtime.services.auth.createApp({ name, timezone: 'UTC' });
    const token = await tokenFor(server.url, created.appKey, created.appSecret);
    apps.push({ id: created.app.id, api: v1Client(server.url, token) });
  }
  return { server, apps };
}
