import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// How the CLI finds the admin API of the server that holds the embedded store: the server writes
// its loopback URL and a fresh admin token into <TILLER_DATA_DIR>/admin.json, readable by its
// owner only (0600), and removes the file when it stops. Whoever can read the data directory can
// already open the store, so the file grants nothing more than the files beside it.

export interface AdminEndpoint {
  pid: number;
  url: string;
  token: string;
}

const FILE = 'admin.json';

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export function writeAdminEndpoint(dataDir: string, endpoint: AdminEndpoint): void {
  const file = join(dataDir, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  // Written under another name, then renamed: a reader never sees half a file.
  writeFileSync(temporary, JSON.stringify(endpoint), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

export function readAdminEndpoint(dataDir: string): AdminEndpoint | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as AdminEndpoint;
    return typeof parsed.url === 'string' && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file if it is still this server's (a newer server may have replaced it). */
export function removeAdminEndpoint(dataDir: string, token: string): void {
  if (readAdminEndpoint(dataDir)?.token === token) rmSync(join(dataDir, FILE), { force: true });
}

export function adminTokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The URL a local client reaches a server at, given the host it listens on. */
export function loopbackUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
