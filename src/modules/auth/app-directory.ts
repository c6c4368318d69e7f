import type { Queryable } from '../../store/db.ts';
import {
  findSettings,
  findName,
  findSettingsMany,
  findZone,
  lockSettings,
  updateSettings,
  type AppSettingsRow,
  type SettingsPatch,
} from './apps.repository.ts';

/**
 * What other modules know of an app: its zone and the settings they keep on it. The `apps` table
 * belongs to the auth module; every other module reads and writes these through the functions
 * below (docs/modules.md), so the table can change shape without touching them.
 *
 * Each function takes a Queryable, so a caller can use it inside its own transaction and see
 * (and lock) the row in the same snapshot as its other statements. Nothing is cached: the hot
 * readers (the dial claim, the call finalizer, the webhook deliverer) already make one statement
 * per claim or batch for the app, and a setting changed in one process applies in every process
 * from the next claim, as the docs promise.
 */
export interface AppSettings {
  id: number;
  /** IANA zone of the app: times in API answers and webhooks, the default callee zone. */
  timezone: string;
  /** The app's cap on calls in progress; null: TILLER_APP_CONCURRENCY. */
  maxConcurrency: number | null;
  webhookUrl: string | null;
  /** The Standard Webhooks signing secret. */
  webhookSecret: string;
  /** Compliance overrides as stored (null: the defaults); the compliance module parses them. */
  callingWindows: unknown;
  contactCaps: unknown;
  /** Whether a verbal opt-out adds the number to the app's do-not-call list. */
  autoDncOnOptout: boolean;
  /** Stored AES settings (null: off); the encryption module parses them. */
  encryption: unknown;
}

export type AppSettingsPatch = Partial<
  Pick<
    AppSettings,
    | 'timezone'
    | 'maxConcurrency'
    | 'webhookUrl'
    | 'callingWindows'
    | 'contactCaps'
    | 'autoDncOnOptout'
    | 'encryption'
  >
>;

function toSettings(row: AppSettingsRow): AppSettings {
  return {
    id: Number(row.id),
    timezone: row.timezone,
    maxConcurrency: row.max_concurrency,
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    callingWindows: row.calling_windows ?? null,
    contactCaps: row.contact_caps ?? null,
    autoDncOnOptout: row.auto_dnc_on_optout,
    encryption: row.encryption ?? null,
  };
}

/** The app's settings; undefined when there is no such app. */
export async function appSettings(q: Queryable, appId: number): Promise<AppSettings | undefined> {
  const row = await findSettings(q, appId);
  return row && toSettings(row);
}

/** The settings of several apps in one statement, by app id (unknown ids are absent). */
export async function appSettingsMany(
  q: Queryable,
  appIds: readonly number[],
): Promise<Map<number, AppSettings>> {
  const unique = [...new Set(appIds)];
  if (unique.length === 0) return new Map();
  const rows = await findSettingsMany(q, unique);
  return new Map(rows.map((r) => [Number(r.id), toSettings(r)]));
}

/**
 * The settings under the app row's lock, for a transaction that must serialise with every other
 * claim of the app (the dial claim): one statement, the read and the lock together.
 */
export async function lockAppSettings(
  q: Queryable,
  appId: number,
): Promise<AppSettings | undefined> {
  const row = await lockSettings(q, appId);
  return row && toSettings(row);
}

/** The app's zone; 'UTC' when the app is gone (a report about it still needs a zone). */
export async function appZone(q: Queryable, appId: number): Promise<string> {
  return (await findZone(q, appId)) ?? 'UTC';
}

/** Sets the given settings (a key left out keeps its value); undefined when there is no such app. */
export async function updateAppSettings(
  q: Queryable,
  appId: number,
  patch: AppSettingsPatch,
): Promise<AppSettings | undefined> {
  const row: SettingsPatch = {
    timezone: patch.timezone,
    max_concurrency: patch.maxConcurrency,
    webhook_url: patch.webhookUrl,
    calling_windows: patch.callingWindows,
    contact_caps: patch.contactCaps,
    auto_dnc_on_optout: patch.autoDncOnOptout,
    encryption: patch.encryption,
  };
  const updated = await updateSettings(q, appId, row);
  return updated && toSettings(updated);
}

/** The app's name: the `company` of the Chatbot API's company reports (docs/chatbot-variants.md). */
export async function appName(q: Queryable, appId: number): Promise<string> {
  return (await findName(q, appId)) ?? '';
}
