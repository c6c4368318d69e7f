-- Strategies (rounds as data) and plans (a strategy run over a list: one task per round).
CREATE SEQUENCE strategy_ids START 1;

CREATE TABLE strategies (
  id bigint PRIMARY KEY DEFAULT nextval('strategy_ids'),
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  rounds jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, name)
);

CREATE TABLE plans (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  plan_name text NOT NULL,
  strategy_id bigint NOT NULL REFERENCES strategies (id),
  -- The rounds as they were when the plan started: editing a strategy does not change a plan.
  rounds jsonb NOT NULL,
  robot_id bigint,
  status text NOT NULL DEFAULT 'Running' CHECK (status IN ('Running', 'Stopped', 'Finished')),
  current_round int NOT NULL DEFAULT 1,
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (app_id, plan_name)
);

-- Numbers cancelled in a plan: left out of every later round.
CREATE TABLE plan_cancellations (
  plan_id text NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  callee_number text NOT NULL DEFAULT '',
  case_id text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_cancellations_plan ON plan_cancellations (plan_id);

ALTER TABLE tasks ADD COLUMN plan_id text REFERENCES plans (id) ON DELETE CASCADE;
ALTER TABLE tasks ADD COLUMN round int NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX tasks_plan_round ON tasks (plan_id, round) WHERE plan_id IS NOT NULL;
