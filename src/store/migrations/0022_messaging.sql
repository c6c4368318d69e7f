-- Messaging (docs/messaging.md): channels (WABA accounts, SMS senders, simulated numbers),
-- templates, send batches (WABA tasks, SMS requests), one row per message in or out, and the
-- 24-hour customer-service window per (channel, person).

CREATE TABLE messaging_channels (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  -- The public id of the API (the spec's channel_id), unique per app.
  channel_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('whatsapp', 'sms', 'simulated')),
  name text NOT NULL,
  phone_number text NOT NULL,
  status text NOT NULL DEFAULT 'CONNECTED',
  -- The adapter's settings, secrets included; the API never returns them.
  config jsonb NOT NULL DEFAULT '{}',
  -- Pacing; null = the adapter's default.
  sends_per_second double precision CHECK (sends_per_second IS NULL OR sends_per_second > 0),
  -- Quiet hours of this channel (the calling-window format); null = the app's windows.
  send_window jsonb,
  callback_url text,
  default_robot_id text,
  -- The pacing slot shared by every sender process: the earliest instant the next send may go.
  next_send_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, channel_id)
);
-- The provider webhook finds a channel by its public id before it knows the app.
CREATE INDEX messaging_channels_public ON messaging_channels (channel_id);

CREATE TABLE messaging_templates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  channel_pk bigint NOT NULL REFERENCES messaging_channels (id) ON DELETE CASCADE,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  status text NOT NULL CHECK (status IN ('APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED')),
  -- {header, body, footer, button[]}
  content jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_pk, name, language)
);

-- A send request: a WABA task (batch or single template send) or an SMS request.
CREATE TABLE message_batches (
  id text PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  channel_pk bigint NOT NULL REFERENCES messaging_channels (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('template', 'single', 'sms')),
  template_id bigint,
  robot_id text,
  callback_url text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE messages (
  -- Ours: 32 hex, or the id the sender chose (the chatbot's msg_id, which may carry "-0").
  id text PRIMARY KEY,
  -- Insertion order: a batch's messages are listed in the order of its users.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  channel_pk bigint NOT NULL REFERENCES messaging_channels (id) ON DELETE CASCADE,
  -- The person: E.164 digits without '+'.
  user_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  -- template and sms are business-initiated (compliance-checked attempts); free_form answers.
  kind text NOT NULL CHECK (kind IN ('template', 'free_form', 'sms', 'inbound')),
  content jsonb NOT NULL,
  provider_message_id text,
  -- out: queued, sending, sent, delivered, read, failed; in: received, read.
  status text NOT NULL,
  error_code text,
  error_message text,
  batch_id text REFERENCES message_batches (id) ON DELETE CASCADE,
  template_id bigint,
  variables jsonb,
  custom jsonb,
  conversation_id text,
  -- Our id of the message this one quotes or answers.
  reply_to text,
  user_name text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  claimed_by text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  status_at timestamptz NOT NULL
);
-- Webhooks arrive twice: a provider id is stored once per channel.
CREATE UNIQUE INDEX messages_provider_id ON messages (channel_pk, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
-- The sender's claim: due queued messages.
CREATE INDEX messages_due ON messages (channel_pk, next_attempt_at, seq) WHERE status = 'queued';
CREATE INDEX messages_sending ON messages (claimed_by) WHERE status = 'sending';
-- A person's messages on a channel (the template a free-text answer answers).
CREATE INDEX messages_user ON messages (channel_pk, user_id, created_at);
CREATE INDEX messages_batch ON messages (batch_id) WHERE batch_id IS NOT NULL;

-- The 24-hour window: opened and renewed only by the person's own messages.
CREATE TABLE messaging_windows (
  channel_pk bigint NOT NULL REFERENCES messaging_channels (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  last_inbound_at timestamptz NOT NULL,
  PRIMARY KEY (channel_pk, user_id)
);
