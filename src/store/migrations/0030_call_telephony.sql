-- Real telephony (issue 14). A call the network failed to connect (a trunk's 5xx, an INVITE
-- nobody answered) ends 'failed': a counted attempt, redialled by the task's rules, no longer an
-- uncounted interruption dialled again at once (which would hammer a dead trunk).
ALTER TABLE calls DROP CONSTRAINT calls_outcome_check;
ALTER TABLE calls ADD CONSTRAINT calls_outcome_check
  CHECK (outcome IN ('answered', 'no_answer', 'busy', 'invalid', 'hangup', 'voicemail', 'interrupted',
    'not_dialled', 'failed'));
-- What the line said of the call: the carrier's cause (a SIP status and reason), the codec, and
-- the answering-machine detector's verdict, confidence and time. NULL on the simulator.
ALTER TABLE calls ADD COLUMN telephony jsonb;
