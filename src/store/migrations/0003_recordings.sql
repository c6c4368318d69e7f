-- Call recordings (the audio itself is in the recording store, see docs/recordings.md) and
-- server-wide secrets such as the key that signs recording links.

CREATE TABLE recordings (
  call_id text PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  task_id text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- Where the store keeps the audio: <app_id>/<yyyy-mm-dd>/<call_id>.wav
  storage_key text NOT NULL,
  duration_ms int NOT NULL CHECK (duration_ms >= 0),
  bytes bigint NOT NULL CHECK (bytes >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_task ON recordings (task_id, created_at, call_id);

-- One value per name, created once by whichever process needs it first, so every process of a
-- deployment signs and verifies with the same key.
CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
