-- Workflows (docs/workflows.md, spec/workflow-api.md §2-17): templates as versioned node graphs,
-- instances with their list records, and the step log that makes every node happen once per
-- record. Node tasks are ordinary tasks with a workflow parent (tasks.workflow_id).

-- One row per version of a template: importing a name again adds a version with a new id (the
-- spec's integer workflow_template_id); an instance keeps the version it was created from.
CREATE TABLE workflow_templates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  version int NOT NULL,
  graph jsonb NOT NULL,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  UNIQUE (app_id, name, version)
);
CREATE INDEX workflow_templates_newest ON workflow_templates (app_id, created_at DESC, id DESC);

CREATE TABLE workflows (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  template_id bigint NOT NULL REFERENCES workflow_templates (id),
  name text NOT NULL,
  status text NOT NULL DEFAULT 'Running' CHECK (status IN ('Running', 'Finished', 'Stopped')),
  auto_finish int NOT NULL DEFAULT 2 CHECK (auto_finish IN (1, 2)),
  end_time timestamptz NOT NULL,
  record_count int NOT NULL DEFAULT 0,
  done_count int NOT NULL DEFAULT 0,
  stop_reason text,
  created_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX workflows_app_newest ON workflows (app_id, created_at DESC);
CREATE UNIQUE INDEX workflows_app_name ON workflows (app_id, name);

-- A list record (wfdetail_uuid) and where it is: `node` is the graph node it is at; `state`:
--   ready    due to enter `node` at `due_at` (a workflow.step job runs it);
--   waiting  entered `node` and waits for its outcome (a call's end, a template's status, a chat);
--   done / cancelled / stopped  left the graph.
-- `facts` are the outcomes so far (call, waba_template, chatbot, sms), what branches read.
CREATE TABLE workflow_records (
  id text PRIMARY KEY,
  workflow_id text NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  app_id bigint NOT NULL,
  seq int NOT NULL,
  case_id text NOT NULL DEFAULT '',
  callee text NOT NULL,
  attributes jsonb NOT NULL,
  node text NOT NULL,
  state text NOT NULL CHECK (state IN ('ready', 'waiting', 'done', 'cancelled', 'stopped')),
  due_at timestamptz NOT NULL,
  step int NOT NULL DEFAULT 0,
  facts jsonb NOT NULL DEFAULT '{}',
  wait_ref text,
  created_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX workflow_records_due ON workflow_records (workflow_id, due_at, seq) WHERE state = 'ready';
-- A number and case once per workflow: a node task holds each (case_id, number) once.
CREATE UNIQUE INDEX workflow_records_unique ON workflow_records (workflow_id, case_id, callee);
CREATE INDEX workflow_records_case ON workflow_records (app_id, case_id);
CREATE INDEX workflow_records_callee ON workflow_records (app_id, callee);
-- A template message's statuses and the chat it opens find their record by its msg_id.
CREATE INDEX workflow_records_waba_msg ON workflow_records ((facts -> 'waba' ->> 'msg_id'))
  WHERE facts ? 'waba';
CREATE INDEX workflow_records_open ON workflow_records (workflow_id) WHERE state IN ('ready', 'waiting');

-- The step log: one row per node a record entered, in order. Its key makes entering a node
-- happen once: a step job that runs again meets the row and does nothing twice. `output` keeps
-- what the node did (the task it joined, the message it sent, the payload it pushed).
CREATE TABLE workflow_steps (
  record_id text NOT NULL REFERENCES workflow_records (id) ON DELETE CASCADE,
  step int NOT NULL,
  workflow_id text NOT NULL,
  node text NOT NULL,
  node_type text NOT NULL,
  nodetask_id text NOT NULL,
  task_id text,
  output jsonb,
  entered_at timestamptz NOT NULL,
  PRIMARY KEY (record_id, step)
);
CREATE INDEX workflow_steps_node ON workflow_steps (workflow_id, node);

-- A node of an instance as the spec's subtask (nodetask_id), made when a record first enters it.
CREATE TABLE workflow_node_tasks (
  id text PRIMARY KEY,
  workflow_id text NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  node text NOT NULL,
  node_type text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (workflow_id, node)
);

-- The underlying runs of a node task: the ordinary tasks of call nodes (kind 'call') and the
-- template batches of WABA nodes (kind 'waba'), SMS batches (kind 'sms').
CREATE TABLE workflow_node_runs (
  id text PRIMARY KEY,
  nodetask_id text NOT NULL REFERENCES workflow_node_tasks (id) ON DELETE CASCADE,
  workflow_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('call', 'waba', 'sms')),
  created_at timestamptz NOT NULL
);
CREATE INDEX workflow_node_runs_workflow ON workflow_node_runs (workflow_id, created_at);

-- Node tasks are ordinary tasks whose parent is a workflow: the dialer runs them, the ordinary
-- task operations refuse them (10704), and their names need not be unique among the app's tasks.
ALTER TABLE tasks ADD COLUMN workflow_id text REFERENCES workflows (id) ON DELETE CASCADE;
DROP INDEX tasks_app_id_task_name_key;
CREATE UNIQUE INDEX tasks_app_id_task_name_key ON tasks (app_id, task_name)
  WHERE plan_id IS NULL AND workflow_id IS NULL;
CREATE INDEX tasks_workflow ON tasks (workflow_id) WHERE workflow_id IS NOT NULL;
