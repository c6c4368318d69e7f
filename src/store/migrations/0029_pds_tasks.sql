-- Predictive-dialer (PDS) tasks (docs/pds.md): a PDS task is a task, so its contacts are callees
-- and its attempts are calls, and the contact ledger, recordings and redials work as for robot
-- tasks. `kind` tells the two dialers apart: the robot dialer claims `robot` tasks only.
-- `pds` holds the createtask settings as validated (group, agents, rest times, dialing mode,
-- maxLostRate, acwTime, ring limit, the decoded callback URL, ...); `remark` is the task's note.
ALTER TABLE tasks ADD COLUMN kind text NOT NULL DEFAULT 'robot' CHECK (kind IN ('robot', 'pds'));
ALTER TABLE tasks ADD COLUMN pds jsonb;
ALTER TABLE tasks ADD CONSTRAINT tasks_pds_settings CHECK ((kind = 'pds') = (pds IS NOT NULL));
CREATE INDEX tasks_pds_active ON tasks (start_time)
  WHERE kind = 'pds' AND status IN ('Waiting', 'Running');

-- What the predictive dialer adds to an attempt: the agent it was bridged to, when, the PDS
-- hangupReason code (spec/workflow-api.md §18), and the agent's disposition as the detail and
-- the webhooks report it ({agentName, answeredAt, bridgedAt, hangupReason, customizeResults,
-- talkremarks, phoneTag, mainNumber}). Null on robot calls.
ALTER TABLE calls ADD COLUMN pds jsonb;
