-- The agent inbox and the chatbot's channel variants (docs/agent-inbox.md,
-- docs/chatbot-variants.md), beside the core's chat_sessions / chat_messages (0023).

-- Agents (seats) of an app: the spec's seat_id, a display name and the queues they work.
-- Sessions point at an agent by seat_id only (chat_sessions.seat_id), so an agent removed later
-- leaves its conversations readable.
CREATE TABLE chat_agents (
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  seat_id text NOT NULL CHECK (seat_id <> ''),
  name text NOT NULL,
  queues text[] NOT NULL DEFAULT '{default}',
  created_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, seat_id)
);

-- Channels the app runs the bot for on someone else's platform: Huawei's contact centre (§6)
-- and the generic bot channel (§7). Inbound messages name them by (kind, channel_id); the bot's
-- replies, transfer requests and ends go to callback_url (AIRudder-style callbacks).
CREATE TABLE chat_bot_channels (
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('huawei', 'bot')),
  channel_id text NOT NULL CHECK (channel_id <> ''),
  -- The `channel` our callbacks name: 'HuaWei' for Huawei, the integrator's own (e.g. 'WhatsApp') for bot.
  channel_name text NOT NULL,
  callback_url text NOT NULL,
  -- The chatbot (numeric robot id) for sessions whose message names none; null: agent only.
  robot_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, kind, channel_id)
);

-- The company event reports (§10.2–§10.4) are opt-in per app: they push every message of every
-- session, which an app that only wants session callbacks should not receive. url null: the
-- app's webhook URL.
CREATE TABLE chat_report_settings (
  app_id bigint PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  enabled boolean NOT NULL,
  url text,
  updated_at timestamptz NOT NULL
);
