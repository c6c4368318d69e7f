import { randomBytes, randomUUID } from 'node:crypto';

/** Task, call, event and workflow ids: 32 lowercase hex characters, as AIRudder's. */
export function newId(): string {
  return randomUUID().replaceAll('-', '');
}

export function isId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/** An opaque random secret, URL- and header-safe. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
