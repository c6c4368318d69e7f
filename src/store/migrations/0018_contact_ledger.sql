-- The contact ledger (docs/contact-ledger.md): one row per contact attempt of an app, whatever
-- the channel, with the compliance decision that let it through or stopped it for good. Contact
-- caps count the allowed rows of every channel; the dial claim writes a voice row in the same
-- statement as the attempt's call row.
CREATE TABLE contact_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  -- A column, not a table per channel: caps and the audit read every channel in one pass.
  channel text NOT NULL CHECK (channel IN ('voice', 'whatsapp', 'sms')),
  -- E.164, as stored on the callee or the message's recipient.
  number text NOT NULL,
  -- '' = no case: never counted per case.
  case_id text NOT NULL DEFAULT '',
  -- The task (or round) the attempt belongs to, for a round's own attempts-per-day limit.
  task_id text,
  -- Business clock (docs/clock.md), like every instant caps compare with.
  attempted_at timestamptz NOT NULL,
  -- What made the attempt: ('call', calls.id), ('callee', callees.id) for a number that ended
  -- without a call, ('message', id) for the messaging channels.
  source_kind text NOT NULL,
  source_id text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('allowed', 'blocked')),
  reason text CHECK (reason IN ('dnc', 'opt_out', 'window', 'caps')),
  -- Set when an allowed attempt never reached the person by our own failure (a voice call
  -- 'interrupted'): it stays in the record but no longer counts against their caps.
  void_reason text,
  -- The check's audit record, for channels that have no row of their own to keep it on (a voice
  -- attempt keeps it on calls.compliance, written in the same statement).
  audit jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((decision = 'blocked') = (reason IS NOT NULL))
);

-- The caps' counters: an app's attempts to a number, or to a case, since an instant.
CREATE INDEX contact_attempts_number ON contact_attempts (app_id, number, attempted_at);
-- Not partial on case_id <> '': the count compares with a parameter, which a partial index
-- cannot be proven to cover.
CREATE INDEX contact_attempts_case ON contact_attempts (app_id, case_id, attempted_at);

-- A blocked decision is final: one row per source (a number's end may be reported again).
CREATE UNIQUE INDEX contact_attempts_blocked_once ON contact_attempts (source_kind, source_id)
  WHERE decision = 'blocked';

-- Every real attempt made so far keeps counting: the calls that reached the carrier (not the
-- 'not_dialled' records of numbers that ended without one), an interrupted one as void.
INSERT INTO contact_attempts (app_id, channel, number, case_id, task_id, attempted_at, source_kind,
  source_id, decision, void_reason, created_at)
SELECT app_id, 'voice', callee_number, case_id, task_id, started_at, 'call', id, 'allowed',
  CASE WHEN outcome = 'interrupted' THEN 'interrupted' END, started_at
FROM calls
WHERE outcome IS DISTINCT FROM 'not_dialled';

-- Caps no longer read calls: these indexes only slowed the claim's insert down.
DROP INDEX calls_app_number_started;
DROP INDEX calls_app_case_started;

-- Opt-outs from the messaging channels land on the do-not-call list with their own source.
ALTER TABLE dnc_numbers DROP CONSTRAINT dnc_numbers_source_check;
ALTER TABLE dnc_numbers ADD CONSTRAINT dnc_numbers_source_check
  CHECK (source IN ('api', 'cli', 'import', 'verbal', 'whatsapp_button', 'stop_keyword'));
