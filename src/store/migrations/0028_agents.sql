-- Human agents of the predictive dialer (docs/agents.md): skill groups and agents per app, each
-- agent's state (offline, ready, reserved, talking, acw, break), every change of it, and the
-- disposition forms agents fill in after a call.

CREATE TABLE agent_groups (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- After-call work when the call's task gives no acwTime.
  acw_seconds int NOT NULL DEFAULT 30 CHECK (acw_seconds BETWEEN 0 AND 3600),
  created_at timestamptz NOT NULL,
  UNIQUE (app_id, name)
);

-- `state_since` orders ready agents longest-idle first; `state_seq` counts the agent's changes,
-- so an after-call-work timer ends only the acw it was set for. `call_ref` is the dialer's call
-- the agent is reserved for, talking on or wrapping up; `call_group_id` the group it came
-- through; `call_data` the contact's data for the agent's screen.
CREATE TABLE agents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- Driven by the simulator (talk and wrap-up drawn from the parameters below), not a person.
  simulated boolean NOT NULL DEFAULT false,
  -- Lognormal talk time: median and the sigma of its logarithm.
  talk_median_seconds int NOT NULL DEFAULT 180 CHECK (talk_median_seconds BETWEEN 1 AND 36000),
  talk_sigma double precision NOT NULL DEFAULT 0.5 CHECK (talk_sigma >= 0 AND talk_sigma <= 3),
  -- Median wrap-up of a simulated agent; null: the whole acw time of the task or group.
  acw_median_seconds int CHECK (acw_median_seconds BETWEEN 0 AND 3600),
  state text NOT NULL DEFAULT 'offline'
    CHECK (state IN ('offline', 'ready', 'reserved', 'talking', 'acw', 'break')),
  state_since timestamptz NOT NULL,
  state_seq int NOT NULL DEFAULT 0,
  call_ref text,
  call_group_id bigint REFERENCES agent_groups (id) ON DELETE SET NULL,
  call_data jsonb,
  acw_until timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (app_id, name)
);
CREATE INDEX agents_ready ON agents (state_since, id) WHERE state = 'ready';

CREATE TABLE agent_group_members (
  group_id bigint NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
  agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, agent_id)
);
CREATE INDEX agent_group_members_agent ON agent_group_members (agent_id);

-- Every state change, with its time on the business clock and what caused it.
CREATE TABLE agent_state_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL,
  agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  from_state text NOT NULL,
  to_state text NOT NULL,
  reason text NOT NULL,
  call_ref text,
  at timestamptz NOT NULL
);
CREATE INDEX agent_state_changes_agent ON agent_state_changes (agent_id, id);

-- What the agent filled in for a call: customizeResults ({title, groupName, value}) and remarks.
CREATE TABLE agent_dispositions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL,
  agent_id bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  call_ref text NOT NULL,
  customize_results jsonb NOT NULL,
  remarks text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);
CREATE INDEX agent_dispositions_call ON agent_dispositions (app_id, call_ref);
