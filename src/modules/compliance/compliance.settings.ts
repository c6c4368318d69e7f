import { AppError } from '../../shared/errors.ts';
import type { Db } from '../../store/db.ts';
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
    const [row] = await this.#db.query<ComplianceSettings>(
      'SELECT calling_windows, contact_caps FROM apps WHERE id = $1',
      [appId],
    );
    return {
      calling_windows: row?.calling_windows ?? null,
      contact_caps: row?.contact_caps ?? null,
    };
  }

  /** Replaces both settings, after checking them whole: a bad one changes nothing. */
  async set(appId: number, settings: ComplianceSettings): Promise<ComplianceSettings> {
    const windows = parseOverride(settings.calling_windows);
    if (!windows.ok) throw new AppError('bad_request', `calling_windows: ${windows.error}`);
    const caps = settings.contact_caps === null ? null : parseCaps(settings.contact_caps);
    if (caps && !caps.ok) throw new AppError('bad_request', `contact_caps: ${caps.error}`);
    await this.#db.query('UPDATE apps SET calling_windows = $2, contact_caps = $3 WHERE id = $1', [
      appId,
      windows.value === null ? null : JSON.stringify(windows.value),
      caps === null ? null : JSON.stringify(caps.value),
    ]);
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
