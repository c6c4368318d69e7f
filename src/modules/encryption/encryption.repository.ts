import type { Queryable } from '../../store/db.ts';
import { resolveSettings, type EncryptionInput, type EncryptionSettings } from './settings.ts';

// apps.encryption: null is off. Every statement is scoped by the app id.

/** The app's settings (null: off); undefined when the app does not exist. */
export async function findEncryption(
  q: Queryable,
  appId: number,
): Promise<EncryptionSettings | null | undefined> {
  const [row] = await q.query<{ encryption: EncryptionInput | null }>(
    'SELECT encryption FROM apps WHERE id = $1',
    [appId],
  );
  if (!row) return undefined;
  return settingsOf(appId, row.encryption);
}

/** The usable settings of a stored `apps.encryption` value (null: encryption is off). */
export function settingsOf(
  appId: number,
  stored: EncryptionInput | null,
): EncryptionSettings | null {
  // Stored settings were checked on the way in; checking them again costs little and means a
  // hand-edited row fails loudly here instead of producing bytes no client can read.
  if (stored === null) return null;
  try {
    return resolveSettings(stored, noGeneration);
  } catch (error) {
    // A server fault, not the client's: never answered as a 400.
    throw new Error(`app ${appId} has unusable encryption settings: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Sets (or with null clears) the settings; false when the app does not exist. */
export async function storeEncryption(
  q: Queryable,
  appId: number,
  settings: EncryptionSettings | null,
): Promise<boolean> {
  const rows = await q.query('UPDATE apps SET encryption = $2::jsonb WHERE id = $1 RETURNING id', [
    appId,
    settings === null ? null : JSON.stringify(settings),
  ]);
  return rows.length > 0;
}

function noGeneration(): Buffer {
  throw new Error('stored encryption settings lack a key or IV');
}
