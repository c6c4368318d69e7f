-- A step claims a workflow's records whose time came, ready ones and waiting ones whose wait
-- timed out (a template with no outcome), by due time. The index served ready records only, so
-- every claim read all of the workflow's open records (those waiting for a call's end too) to
-- find the few that were due. One index over both states, by due time, serves the claim and
-- the open-record lookups the second index was for.
DROP INDEX workflow_records_due;
DROP INDEX workflow_records_open;
CREATE INDEX workflow_records_due ON workflow_records (workflow_id, due_at, seq)
  WHERE state IN ('ready', 'waiting');
