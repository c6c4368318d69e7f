import { insertApp, type AppRow } from '../../src/modules/auth/auth.repository.ts';
import { newWebhookSecret } from '../../src/modules/auth/secrets.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Db } from '../../src/store/db.ts';

/** An app row straight in the store: the service tests need its id, not its credentials. */
export async function createApp(db: Db, timezone = 'Asia/Jakarta'): Promise<AppRow> {
  return insertApp(db, {
    name: `dnc-${newId().slice(0, 8)}`,
    app_key: newId(),
    secret_hash: 'unused',
    webhook_url: null,
    webhook_secret: newWebhookSecret(),
    timezone,
    is_demo: false,
  });
}

/** `count` distinct valid Indonesian mobile numbers, +62812 followed by 8 digits from `from`. */
export function numbers(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+62812${String(from + i).padStart(8, '0')}`);
}

/** The app's list as the store holds it, in number order. */
export async function listed(db: Db, appId: number) {
  return db.query<{ number: string; reason: string | null; source: string }>(
    'SELECT number, reason, source FROM dnc_numbers WHERE app_id = $1 ORDER BY number',
    [appId],
  );
}
