-- A number on the app's do-not-call list when it came due: never dialled, final.
ALTER TABLE callees DROP CONSTRAINT callees_status_check;
ALTER TABLE callees ADD CONSTRAINT callees_status_check
  CHECK (status IN ('pending', 'dialing', 'done', 'cancelled', 'expired', 'dnc'));
