// The raw floor of a read (issue 9): the page's own SQL (the repository function the route ends
// in) run by a bare node:http handler on the same driver and store, its rows sent as JSON. No
// token, no framework, no validation, no formatting: the least any route serving the page could
// cost. The API benchmark loads it in the same process and run as the real routes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { detailPage } from '../src/modules/tasks/detail-page.repository.ts';
import { listTasks } from '../src/modules/tasks/tasks.repository.ts';
import type { Db } from '../src/store/db.ts';

export interface RawFloor {
  /** `<url>/detail?task_id=…&page_size=…` and `<url>/list?page_size=…`. */
  url: string;
  close(): Promise<void>;
}

/** Serves the detail and list pages of one app straight from the repository functions. */
export async function startRawFloor(db: Db, appId: number): Promise<RawFloor> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const size = Number(url.searchParams.get('page_size') ?? 20);
    const page =
      url.pathname === '/detail'
        ? detailPage(db, appId, url.searchParams.get('task_id') ?? '', 0, size)
        : listTasks(db, appId, { offset: 0, limit: size });
    page.then(
      (rows) => {
        const body = JSON.stringify(rows);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
