import type { Queryable } from '../../store/db.ts';
import type { UploadKind } from './file-kind.ts';

// The uploads table (migration 0025). Only the uploads module reads or writes it.

export interface UploadRow {
  id: string;
  app_id: number;
  kind: UploadKind;
  name: string;
  mime_type: string;
  size: number;
  storage_key: string;
  created_at: Date;
}

export async function insertUpload(q: Queryable, row: UploadRow): Promise<void> {
  await q.query(
    `INSERT INTO uploads (id, app_id, kind, name, mime_type, size, storage_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      row.id,
      row.app_id,
      row.kind,
      row.name,
      row.mime_type,
      row.size,
      row.storage_key,
      row.created_at,
    ],
  );
}

/** An upload by id, whatever its app: a signed link names the file, not the app. */
export async function findUpload(q: Queryable, id: string): Promise<UploadRow | undefined> {
  const [row] = await q.query<UploadRow>(
    `SELECT id, app_id, kind, name, mime_type, size, storage_key, created_at
       FROM uploads WHERE id = $1`,
    [id],
  );
  return row ? { ...row, app_id: Number(row.app_id), size: Number(row.size) } : undefined;
}

/** An app's own upload (what a send may attach): never another app's. */
export async function findAppUpload(
  q: Queryable,
  appId: number,
  id: string,
): Promise<UploadRow | undefined> {
  const [row] = await q.query<UploadRow>(
    `SELECT id, app_id, kind, name, mime_type, size, storage_key, created_at
       FROM uploads WHERE id = $1 AND app_id = $2`,
    [id, appId],
  );
  return row ? { ...row, app_id: Number(row.app_id), size: Number(row.size) } : undefined;
}
