import type { Queryable } from '../../store/db.ts';
import { appSettings, updateAppSettings } from '../auth/app-directory.ts';
import { resolveSettings, type EncryptionInput, type EncryptionSettings } from './settings.ts';

// The settings live on the app (apps.encryption, owned by the auth module's app directory; null
// is off). This module has no table: it reads and writes them through the directory.

/** The app's settings (null: off); undefined when the app does not exist. */
export async function findEncryption(
  q: Queryable,
  appId: number,
): Promise<EncryptionSettings | null | undefined> {
  const app = await appSettings(q, appId);
  if (!app) return undefined;
  return settingsOf(appId, app.encryption as EncryptionInput | null);
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
  // An explicit null: a patch key left undefined would keep the old settings.
  return (await updateAppSettings(q, appId, { encryption: settings })) !== undefined;
}

function noGeneration(): Buffer {
  throw new Error('stored encryption settings lack a key or IV');
}
