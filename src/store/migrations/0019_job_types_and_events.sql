-- Typed jobs and domain events (docs/jobs.md, docs/domain-events.md).

-- One row per (subscriber, event) a job subscriber has handled, written in the transaction of the
-- handler's effect: a job that runs again finds it and does nothing (queue/event-receipts.ts).
CREATE TABLE event_receipts (
  key text PRIMARY KEY,
  handled_at timestamptz NOT NULL DEFAULT now()
);

-- `tiller jobs failed` lists the parked jobs.
CREATE INDEX jobs_failed ON jobs (failed_at, id) WHERE failed_at IS NOT NULL;
