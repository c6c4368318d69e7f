-- Compliance (docs/compliance.md): calling-window overrides per app and task, contact caps per
-- app, the case of each attempt (caps count per case across tasks), and the audit record of
-- what allowed each attempt.

-- null = the defaults: the country's rule pack for windows, DEFAULT_CAPS for caps.
ALTER TABLE apps ADD COLUMN contact_caps jsonb;
ALTER TABLE apps ADD COLUMN calling_windows jsonb;
ALTER TABLE tasks ADD COLUMN calling_windows jsonb;

-- Copied from the callee at insert ('' = no case), so counting per case needs no join.
ALTER TABLE calls ADD COLUMN case_id text NOT NULL DEFAULT '';
UPDATE calls k SET case_id = c.case_id FROM callees c WHERE c.id = k.callee_id AND c.case_id <> '';

-- What allowed the attempt: rules, zone and its source, local time, counters, caps.
ALTER TABLE calls ADD COLUMN compliance jsonb;

-- Counting an app's attempts to one number or one case over the last 7 days.
CREATE INDEX calls_app_number_started ON calls (app_id, callee_number, started_at);
CREATE INDEX calls_app_case_started ON calls (app_id, case_id, started_at);
