-- Do-not-call list: the numbers an app must never dial, whatever task or channel asks for them.
-- The number is E.164 text in the "C" collation so that the primary key's btree also serves
-- prefix searches (`number >= '+62' AND number < '+62:'`) and lists in digit order.

CREATE TABLE dnc_numbers (
  app_id bigint NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  number text COLLATE "C" NOT NULL,
  reason text,
  -- How it got there: an API call, the tiller command, a CSV import, or the callee saying so.
  source text NOT NULL CHECK (source IN ('api', 'cli', 'import', 'verbal')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, number)
);

-- Off by default: adding a number because the robot heard "don't call me" is the app's choice.
ALTER TABLE apps ADD COLUMN auto_dnc_on_optout boolean NOT NULL DEFAULT false;
