-- Delivery order within a task or a plan (docs/webhooks.md, "Order of delivery").
ALTER TABLE webhook_events
  ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN ordering_group text,
  ADD COLUMN barrier boolean NOT NULL DEFAULT false;

-- The claim walks due events in (next_attempt_at, seq) order.
DROP INDEX webhook_events_due;
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, seq) WHERE status = 'pending';
-- A barrier's check: is an earlier event of its group still pending?
CREATE INDEX webhook_events_group_pending ON webhook_events (ordering_group, seq)
  WHERE status = 'pending' AND ordering_group IS NOT NULL;

-- Room on each page for the claim's update (lease and attempt count, no indexed column) to stay
-- on the page (a HOT update: no new index entries), which is most of an event's writes.
ALTER TABLE webhook_events SET (fillfactor = 70);
