-- A plan round's "attempts per day": at most this many attempts per number per callee-local day
-- inside that round's task (docs/plans.md). NULL: only the app's contact caps apply.
ALTER TABLE tasks ADD COLUMN attempts_per_day integer;
