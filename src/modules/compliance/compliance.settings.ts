import { AppError } from '../../shared/errors.ts';
import type { Db } from '../../store/db.ts';
import { appSettings, updateAppSettings } from '../auth/app-directory.ts';
import { parseCaps } from './caps.ts';
import { parseOverride } from './window-rules.ts';

/** An app's own compliance settings: null means "the defaults" (country packs, DEFAULT_CAPS). */
export interface ComplianceSettings {
  calling_windows: unknown;
  contact_caps: unknown;
}

export class ComplianceSettingsService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get(appId: number): Promise<ComplianceSettings> {
    const app = await appSettings(this.#db, appId);
    return {
      calling_windows: app?.callingWindows ?? null,
      contact_caps: app?.contactCaps ?? null,
    };
  }

  /** Replaces both settings, after checking them whole: a bad one changes nothing. */
  async set(appId: number, settings: ComplianceSettings): Promise<ComplianceSettings> {
    const windows = parseOverride(settings.calling_windows);
    if (!windows.ok) throw new AppError('bad_request', `calling_windows: ${windows.error}`);
    const caps = settings.contact_caps === null ? null : parseCaps(settings.contact_caps);
    if (caps && !caps.ok) throw new AppError('bad_request', `contact_caps: ${caps.error}`);
    await updateAppSettings(this.#db, appId, {
      callingWindows: windows.value,
      contactCaps: caps === null ? null : caps.value,
    });
    return this.get(appId);
  }
}

/** A task's or round's override, checked on input (null: none). */
export function checkedWindows(value: unknown, field: string): unknown {
  if (value === undefined || value === null) return null;
  const parsed = parseOverride(value);
  if (!parsed.ok) throw new AppError('bad_request', `${field}: ${parsed.error}`);
  return parsed.value;
}
