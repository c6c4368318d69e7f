-- Where a worker runs, so a worker on the same machine can tell at once that it is gone:
-- `process_key` names the kernel boot and the PID namespace (unique per machine and container),
-- `pid` the process in it. Null where that cannot be known (then only the heartbeat tells).
ALTER TABLE workers ADD COLUMN process_key text, ADD COLUMN pid int;
