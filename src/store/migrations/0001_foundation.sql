-- Foundation: apps and tokens, robots, tasks with their callees and calls, the webhook outbox,
-- the generic job queue and worker heartbeats. Valid on PostgreSQL 15 and PGlite (PostgreSQL 18).

CREATE TABLE apps (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  app_key text NOT NULL UNIQUE,
  -- scrypt of the APPSecret; the secret itself is shown once, at creation.
  secret_hash text NOT NULL,
  webhook_url text,
  -- Signing needs the key in clear (Standard Webhooks "whsec_" secret).
  webhook_secret text NOT NULL,
  timezone text NOT NULL DEFAULT 'UTC',
  max_concurrency int CHECK (max_concurrency > 0),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_tokens (
  token_hash text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_tokens_app ON app_tokens (app_id, expires_at);

-- A robot with app_id NULL is a built-in demo robot every app may use.
CREATE TABLE robots (
  id bigint PRIMARY KEY,
  app_id bigint REFERENCES apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  business_line text NOT NULL CHECK (business_line IN ('collection', 'telemarketing', 'info_check')),
  language text NOT NULL,
  script jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  task_name text NOT NULL,
  robot_id bigint NOT NULL REFERENCES robots (id),
  status text NOT NULL DEFAULT 'Waiting'
    CHECK (status IN ('Waiting', 'Running', 'Stopped', 'Finished')),
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  redial_times int NOT NULL DEFAULT 0,
  redial_interval_s int NOT NULL DEFAULT 0,
  caller_number text NOT NULL,
  max_concurrency int CHECK (max_concurrency > 0),
  total_count int NOT NULL,
  idempotency_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (app_id, task_name)
);
CREATE INDEX tasks_active ON tasks (start_time) WHERE status IN ('Waiting', 'Running');
CREATE INDEX tasks_app_created ON tasks (app_id, created_at DESC, id);
CREATE UNIQUE INDEX tasks_idempotency ON tasks (app_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The dialer's hopper: a callee is due when pending and next_attempt_at has passed.
CREATE TABLE callees (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  app_id bigint NOT NULL,
  seq int NOT NULL,
  case_id text NOT NULL DEFAULT '',
  callee_number text NOT NULL,
  data jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'dialing', 'done', 'cancelled', 'expired')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (task_id, case_id, callee_number)
);
CREATE INDEX callees_due ON callees (task_id, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX callees_task_seq ON callees (task_id, seq);
CREATE INDEX callees_open ON callees (task_id) WHERE status IN ('pending', 'dialing');

-- One row per dial attempt; (callee_id, attempt) is unique, so an attempt is dialled once.
CREATE TABLE calls (
  id text PRIMARY KEY,
  app_id bigint NOT NULL,
  task_id text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  callee_id bigint NOT NULL REFERENCES callees (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  state text NOT NULL DEFAULT 'dialing' CHECK (state IN ('dialing', 'final')),
  outcome text CHECK (outcome IN ('answered', 'no_answer', 'busy', 'invalid', 'hangup', 'interrupted')),
  robot_id bigint NOT NULL,
  callee_number text NOT NULL,
  caller_number text NOT NULL,
  worker_id text,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  ring_time int,
  hangup_type text,
  -- What the robot made of the call: intention, slots, labels, transcript (the seed's call object).
  result jsonb,
  UNIQUE (callee_id, attempt)
);
CREATE INDEX calls_dialing_task ON calls (task_id) WHERE state = 'dialing';
CREATE INDEX calls_dialing_app ON calls (app_id) WHERE state = 'dialing';
CREATE INDEX calls_dialing_worker ON calls (worker_id) WHERE state = 'dialing';

-- The outbox: written in the same transaction as the state change; also the delivery queue.
CREATE TABLE webhook_events (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  type text NOT NULL,
  subject_id text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_events_app ON webhook_events (app_id, created_at DESC, id);

CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  app_id bigint NOT NULL,
  attempt int NOT NULL,
  url text NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms int NOT NULL,
  http_status int,
  error text,
  response_excerpt text
);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id, id);

-- Generic durable jobs (timers and one-off work); see docs/adr/0001-job-queue.md.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 10,
  key text UNIQUE,
  locked_by text,
  locked_at timestamptz,
  last_error text,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready ON jobs (queue, run_at, id) WHERE locked_by IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_locked ON jobs (locked_by) WHERE locked_by IS NOT NULL;

-- Every worker process beats here; work claimed by a worker that stopped beating is reclaimed.
CREATE TABLE workers (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now()
);
