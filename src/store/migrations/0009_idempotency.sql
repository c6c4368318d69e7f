-- Finding a number already queued in an active task of the app, for idempotent task creation.
CREATE INDEX callees_app_open_number ON callees (app_id, callee_number) WHERE status IN ('pending', 'dialing');
