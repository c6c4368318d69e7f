-- Chatbot sessions (the spec's call_id) and their transcripts (docs/chatbot.md). A session is one
-- bot (and perhaps agent) conversation with one user on one channel; `status` is the inbox
-- status (pending: the bot owns it, open: an agent owns it, snoozed, resolved), mapped to the
-- wire's open/transferring/agent/closed at the API edge. `version` guards concurrent turns.
CREATE TABLE chat_sessions (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  channel text NOT NULL,
  channel_id text NOT NULL,
  user_id text NOT NULL,
  user_name text,
  robot_id text,
  conversation_id text,
  status text NOT NULL CHECK (status IN ('pending', 'open', 'snoozed', 'resolved')),
  transfer_requested_at timestamptz,
  seat_id text NOT NULL DEFAULT '',
  queue text NOT NULL DEFAULT 'default',
  snoozed_until timestamptz,
  waba_task_id text,
  template_msg_id text,
  variables jsonb NOT NULL DEFAULT '{}',
  custom jsonb,
  end_reason text,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  last_message_at timestamptz NOT NULL,
  last_user_message_at timestamptz,
  unread integer NOT NULL DEFAULT 0,
  report_sent_at timestamptz,
  -- The engine's result at the end (intention, slots, labels, talk rounds) for the §9.13 report.
  result jsonb,
  version integer NOT NULL DEFAULT 0
);
CREATE INDEX chat_sessions_user ON chat_sessions (app_id, channel_id, user_id, status);
CREATE INDEX chat_sessions_recent ON chat_sessions (app_id, status, last_message_at);
-- The inactivity sweep reads bot sessions by their last user message.
CREATE INDEX chat_sessions_idle ON chat_sessions (status, last_user_message_at)
  WHERE status = 'pending';

CREATE TABLE chat_messages (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  session_id text NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  seq bigserial,
  sender_type text NOT NULL
    CHECK (sender_type IN ('user', 'robot', 'chatbot', 'agent', 'agent_system', 'system')),
  seat_id text NOT NULL DEFAULT '',
  content jsonb NOT NULL,
  reply_to text,
  status text NOT NULL CHECK (status IN ('sent', 'delivery', 'read', 'failed')),
  error_code text,
  error_message text,
  created_at timestamptz NOT NULL
);
CREATE INDEX chat_messages_session ON chat_messages (app_id, session_id, seq);
-- One live (not resolved) session per user of a channel: two messages that arrive at once both
-- find it rather than each starting one.
CREATE UNIQUE INDEX chat_sessions_live ON chat_sessions (app_id, channel_id, user_id)
  WHERE status <> 'resolved';
