-- Request signing keys of the Chatbot/WABA family (docs/api-families.md, "Signing keys"): any
-- number per app. The key id travels in X-AIRudder-Sign-Key and is unique across apps, because a
-- request names its app by it alone. The secret is kept as issued: verifying an HMAC needs it.
CREATE TABLE signing_keys (
  key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{32}$'),
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  secret text NOT NULL,
  lenient boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at timestamptz
);
-- The app's keys newest first (its list, and the newest active key that signs its callbacks).
CREATE INDEX signing_keys_app ON signing_keys (app_id, created_at DESC);
