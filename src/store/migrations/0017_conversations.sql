-- Conversations the step engine holds between turns (chat today): the engine's state as JSON,
-- written at every turn under optimistic concurrency (`version`), and the result once it ended.
-- The robot definition is kept as it was at the start, so a conversation finishes on the
-- version it began with even when the robot changes meanwhile.
CREATE TABLE conversations (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  robot_id bigint NOT NULL,
  robot_name text NOT NULL,
  robot_version int NOT NULL,
  robot jsonb NOT NULL,
  channel text NOT NULL CHECK (channel IN ('voice', 'chat')),
  contact text NOT NULL,
  state jsonb NOT NULL,
  version int NOT NULL DEFAULT 1,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  result jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX conversations_contact ON conversations (app_id, contact, created_at);
