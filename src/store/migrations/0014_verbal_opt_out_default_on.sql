-- A verbal opt-out ("don't call me again") lists the number on the app's DNC list by default.
-- Every built-in robot answered it with "we will not call you again" while the switch defaulted
-- off, so the next task dialled the number anyway. Existing apps are switched on as well: the
-- only way to be off was the default, under which their robots made that promise. An app that
-- wants opt-outs only reported turns it off (PUT /v1/dnc/settings); the robot then says its
-- `say_when_not_listed` line instead (docs/dnc.md).
ALTER TABLE apps ALTER COLUMN auto_dnc_on_optout SET DEFAULT true;
UPDATE apps SET auto_dnc_on_optout = true WHERE NOT auto_dnc_on_optout;
