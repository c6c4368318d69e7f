-- Robots become versioned definitions owned by an app (built-in ones have app_id NULL and are
-- seeded from src/modules/robots/builtin/ at start). Every version is kept; calls name the
-- version they ran.
ALTER TABLE robots RENAME COLUMN script TO definition;
ALTER TABLE robots ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE robots ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX robots_owner_name ON robots (coalesce(app_id, 0), name);

CREATE TABLE robot_versions (
  robot_id bigint NOT NULL REFERENCES robots (id) ON DELETE CASCADE,
  version int NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (robot_id, version)
);
INSERT INTO robot_versions (robot_id, version, definition) SELECT id, version, definition FROM robots;

-- Ids of robots an app creates; the built-in ones stay below.
CREATE SEQUENCE robot_ids START 10001;

ALTER TABLE calls ADD COLUMN robot_version int;

-- A voicemail greeting answered the call: neither a conversation nor a failure to connect.
ALTER TABLE calls DROP CONSTRAINT calls_outcome_check;
ALTER TABLE calls ADD CONSTRAINT calls_outcome_check
  CHECK (outcome IN ('answered', 'no_answer', 'busy', 'invalid', 'hangup', 'voicemail', 'interrupted'));
