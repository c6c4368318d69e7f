-- Every number of a task gets one terminal report (docs/architecture.md "Number ends").
-- A number that ends without being dialled (held past the task's end, cancelled, on the DNC
-- list) gets a final calls row without a carrier attempt: outcome 'not_dialled'.
ALTER TABLE calls DROP CONSTRAINT calls_outcome_check;
ALTER TABLE calls ADD CONSTRAINT calls_outcome_check
  CHECK (outcome IN ('answered', 'no_answer', 'busy', 'invalid', 'hangup', 'voicemail', 'interrupted',
    'not_dialled'));
-- Why the compliance check last put a waiting number back: 'window' or 'caps' (NULL: not held).
-- Expiry at the task's end tells expired_window from expired_caps by it.
ALTER TABLE callees ADD COLUMN hold_reason text CHECK (hold_reason IN ('window', 'caps'));
-- When the task webhook was written: a stopped task writes it only once its last call has ended.
ALTER TABLE tasks ADD COLUMN reported_at timestamptz;
UPDATE tasks SET reported_at = coalesce(finished_at, now()) WHERE status IN ('Stopped', 'Finished');
