-- Files an app uploads to send as chat media (POST /api/v1/file/upload, and the map thumbnails
-- of /file/upload/map): the bytes are in the object store under `storage_key`, this row says
-- whose they are and how to serve them. A signed link (`/files/<id>/<name>`) opens one.
CREATE TABLE uploads (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
  name text NOT NULL,
  mime_type text NOT NULL,
  size bigint NOT NULL,
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX uploads_app ON uploads (app_id, created_at);
