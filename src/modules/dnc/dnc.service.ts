import { AppError } from '../../shared/errors.ts';
import { toE164 } from '../../shared/phone.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { appSettings, appZone, updateAppSettings } from '../auth/app-directory.ts';
import { readDncCsv } from './dnc-csv.ts';
import {
  addDncNumbers,
  addVerbalOptOut,
  countDncNumbers,
  dncNumbersAmong,
  listDncNumbers,
  removeDncNumber,
  type DncRow,
  type DncSource,
  type NewDncEntry,
} from './dnc.repository.ts';

export interface DncEntryView {
  number: string;
  reason: string | null;
  source: DncSource;
  create_time: string;
}

export interface DncPage {
  total: number;
  page: number;
  page_size: number;
  list: DncEntryView[];
}

export interface AddResult {
  /** E.164 numbers newly listed, in the order given. */
  added: string[];
  /** E.164 numbers that were listed before (their first reason and source are kept). */
  already_listed: string[];
}

export interface ImportResult {
  /** Distinct numbers in the file. */
  numbers: number;
  added: number;
  already_listed: number;
}

export interface DncSettings {
  auto_dnc_on_optout: boolean;
}

export const MAX_IMPORT_NUMBERS = 100_000;
export const MAX_ADD_NUMBERS = 1_000;
export const MAX_REASON_LENGTH = 500;
/** How many bad lines an error message lists before summing up the rest. */
const LISTED_PROBLEMS = 10;

/**
 * An app's do-not-call list: what the API and the `tiller dnc` command change. Input is checked
 * completely before anything is written, and each change is one transaction, so a refused
 * request or file leaves the list as it was.
 */
export class DncService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(
    appId: number,
    query: { page?: number; page_size?: number; prefix?: string },
  ): Promise<DncPage> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const prefix = query.prefix ? normalizePrefix(query.prefix) : null;
    const zone = await this.#zone(appId);
    const [total, rows] = await Promise.all([
      countDncNumbers(this.#db, appId, prefix),
      listDncNumbers(this.#db, appId, { prefix, limit: pageSize, offset: (page - 1) * pageSize }),
    ]);
    return { total, page, page_size: pageSize, list: rows.map((r) => entryView(r, zone)) };
  }

  async add(
    appId: number,
    numbers: readonly string[],
    options: { reason?: string | null; source: 'api' | 'cli' },
  ): Promise<AddResult> {
    if (numbers.length === 0) throw new AppError('bad_request', 'numbers must not be empty');
    if (numbers.length > MAX_ADD_NUMBERS) {
      throw new AppError(
        'bad_request',
        `at most ${MAX_ADD_NUMBERS} numbers per request; import a file for more`,
      );
    }
    const reason = checkReason(options.reason ?? null, 'reason');
    const bad: string[] = [];
    const unique = new Set<string>();
    numbers.forEach((text, i) => {
      const number = toE164(text);
      if (number) unique.add(number);
      else bad.push(`numbers[${i}] "${text}"`);
    });
    if (bad.length > 0) throw new AppError('invalid_phone', summarise(bad));
    const entries = [...unique].map((number) => ({ number, reason }));
    const added = new Set(
      await this.#db.transaction((tx) => addDncNumbers(tx, appId, entries, options.source)),
    );
    return {
      added: entries.filter((e) => added.has(e.number)).map((e) => e.number),
      already_listed: entries.filter((e) => !added.has(e.number)).map((e) => e.number),
    };
  }

  /** Takes the number off the list; a number that is not on it is an error (likely a typo). */
  async remove(appId: number, text: string): Promise<{ removed: boolean }> {
    const number = toE164(text);
    if (!number) throw new AppError('invalid_phone', `"${text}"`);
    if (!(await removeDncNumber(this.#db, appId, number)))
      throw new AppError('dnc_not_listed', number);
    return { removed: true };
  }

  /**
   * Adds every number of a CSV file (see dnc-csv.ts), all or nothing: a file with any bad line
   * is refused whole and the message lists the first bad lines, so the operator fixes the file
   * and imports it again instead of hunting for what was skipped.
   */
  async importCsv(appId: number, csv: string): Promise<ImportResult> {
    const { entries, problems, tooLong } = readDncCsv(csv, MAX_IMPORT_NUMBERS);
    if (tooLong) {
      throw new AppError(
        'bad_request',
        `at most ${MAX_IMPORT_NUMBERS} numbers per import; split the file`,
      );
    }
    const badLines = problems.map((p) => ({ line: p.line, text: p.problem, phone: false }));
    const unique = new Map<string, NewDncEntry>();
    for (const entry of entries) {
      const number = toE164(entry.number);
      const reason = entry.reason;
      if (!number) {
        badLines.push({ line: entry.line, text: `"${entry.number}"`, phone: true });
      } else if (reason !== null && reason.length > MAX_REASON_LENGTH) {
        badLines.push({
          line: entry.line,
          text: `reason longer than ${MAX_REASON_LENGTH} characters`,
          phone: false,
        });
      } else if (!unique.has(number)) {
        // A number listed twice in the file keeps its first reason, as the list itself does.
        unique.set(number, { number, reason });
      }
    }
    if (badLines.length > 0) {
      badLines.sort((a, b) => a.line - b.line);
      const key = badLines.every((b) => b.phone) ? 'invalid_phone' : 'bad_request';
      throw new AppError(key, summarise(badLines.map((b) => `line ${b.line}: ${b.text}`)));
    }
    if (unique.size === 0) throw new AppError('bad_request', 'the file has no numbers');
    const added = await this.#db.transaction((tx) =>
      addDncNumbers(tx, appId, [...unique.values()], 'import'),
    );
    return {
      numbers: unique.size,
      added: added.length,
      already_listed: unique.size - added.length,
    };
  }

  async getSettings(appId: number): Promise<DncSettings> {
    const app = await appSettings(this.#db, appId);
    if (!app) throw new AppError('invalid_token');
    return { auto_dnc_on_optout: app.autoDncOnOptout };
  }

  async setSettings(appId: number, settings: DncSettings): Promise<DncSettings> {
    const app = await updateAppSettings(this.#db, appId, {
      autoDncOnOptout: settings.auto_dnc_on_optout,
    });
    if (!app) throw new AppError('invalid_token');
    return { auto_dnc_on_optout: app.autoDncOnOptout };
  }

  async #zone(appId: number): Promise<string> {
    return appZone(this.#db, appId);
  }
}

/** Where an opt-out came from: what the person did, or who recorded it for them. */
export type OptOutSource = 'voice_intent' | 'whatsapp_button' | 'stop_keyword' | 'api' | 'import';

export interface OptOutRequest {
  appId: number;
  /** Any format toE164 reads; stored numbers always are E.164. */
  number: string;
  source: OptOutSource;
  /** What carried it (the call, the message, the request), kept in the entry's reason. */
  reference?: string;
}

// The list's own source for each opt-out source: a verbal one keeps the source it always had.
const LISTED_AS: Record<OptOutSource, DncSource> = {
  voice_intent: 'verbal',
  whatsapp_button: 'whatsapp_button',
  stop_keyword: 'stop_keyword',
  api: 'api',
  import: 'import',
};

const REASONS: Record<OptOutSource, (reference?: string) => string> = {
  voice_intent: (ref) => (ref ? `opted out during call ${ref}` : 'opted out during a call'),
  whatsapp_button: (ref) => (ref ? `opt-out button in message ${ref}` : 'opt-out button'),
  stop_keyword: (ref) => (ref ? `STOP keyword in message ${ref}` : 'STOP keyword'),
  api: (ref) => (ref ? `opted out: ${ref}` : 'opted out'),
  import: (ref) => (ref ? `opted out: ${ref}` : 'opted out'),
};

/**
 * The person asked not to be contacted again, through any channel: lists the number on the app's
 * do-not-call list, in the caller's transaction, so no channel contacts it again (the compliance
 * check blocks it as `opt_out`). A voice intent is the robot's reading of speech, so it lists the
 * number only when the app has `auto_dnc_on_optout` on (the default since migration 0014; the
 * robot's closing line promised it); a button, a STOP keyword or a recorded request always list.
 * Returns whether it added the number (false: already listed, or the switch is off). Never throws
 * over the number itself: finishing a call matters more than listing a number that is not E.164.
 */
export async function optOut(tx: Queryable, request: OptOutRequest): Promise<boolean> {
  const e164 = toE164(request.number);
  if (!e164) return false;
  const reason = REASONS[request.source](request.reference);
  if (request.source === 'voice_intent') {
    return addVerbalOptOut(tx, request.appId, e164, reason);
  }
  const added = await addDncNumbers(
    tx,
    request.appId,
    [{ number: e164, reason }],
    LISTED_AS[request.source],
  );
  return added.length > 0;
}

/** The numbers among these that the app has on its do-not-call list (task creation warns of them). */
export function listedAmong(
  q: Queryable,
  appId: number,
  numbers: readonly string[],
): Promise<Set<string>> {
  return dncNumbersAmong(q, appId, numbers);
}

/** `+62`, `62` or `+62 812` → `+62812`: list entries are E.164, so a prefix is `+` and digits. */
function normalizePrefix(text: string): string {
  const digits = text.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  if (!/^\d{1,15}$/.test(digits)) {
    throw new AppError('bad_request', 'prefix must be digits, optionally starting with +');
  }
  return `+${digits}`;
}

function checkReason(reason: string | null, field: string): string | null {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > MAX_REASON_LENGTH) {
    throw new AppError('bad_request', `${field} must be at most ${MAX_REASON_LENGTH} characters`);
  }
  return trimmed === '' ? null : trimmed;
}

function summarise(problems: string[]): string {
  const listed = problems.slice(0, LISTED_PROBLEMS).join('; ');
  const rest = problems.length - LISTED_PROBLEMS;
  return rest > 0 ? `${listed}; and ${rest} more` : listed;
}

function entryView(row: DncRow, zone: string): DncEntryView {
  return {
    number: row.number,
    reason: row.reason,
    source: row.source,
    create_time: formatDateTime(row.created_at, zone),
  };
}
