-- Issue 9: round tasks never collide with user task names, plans that cannot continue end
-- Failed with their reason, built-in strategies, and paused tasks (docs/plans.md, docs/api-calls.md).

-- Task names are unique among the app's own tasks only. A plan's round tasks are named
-- `<plan_name>_R<round>` and are unique per (plan_id, round) (tasks_plan_round); plan names are
-- unique per app, so round names cannot collide with each other either.
ALTER TABLE tasks DROP CONSTRAINT tasks_app_id_task_name_key;
CREATE UNIQUE INDEX tasks_app_id_task_name_key ON tasks (app_id, task_name) WHERE plan_id IS NULL;

-- A paused task keeps its numbers but claims none until it is resumed (or its end_time passes).
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
  CHECK (status IN ('Waiting', 'Running', 'Paused', 'Stopped', 'Finished'));

-- A plan whose next round cannot start ends Failed. `end_reason` says why any plan ended;
-- `last_error` is the latest error of a round start that is being retried (empty otherwise).
ALTER TABLE plans DROP CONSTRAINT plans_status_check;
ALTER TABLE plans ADD CONSTRAINT plans_status_check
  CHECK (status IN ('Running', 'Stopped', 'Finished', 'Failed'));
ALTER TABLE plans ADD COLUMN end_reason text NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN last_error text NOT NULL DEFAULT '';

-- Built-in strategies (app_id NULL) are usable by every app; the server seeds them at start
-- (src/modules/plans/builtin-strategies.ts) with fixed ids below the apps' own, as built-in robots.
ALTER TABLE strategies ALTER COLUMN app_id DROP NOT NULL;
SELECT setval('strategy_ids', 10001, false) WHERE (SELECT last_value FROM strategy_ids) < 10001;
