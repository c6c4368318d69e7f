import type { Disposition } from '../../agents/agent-state.service.ts';
import type { HeldAgent, PdsCallRun } from './pds-call-run.ts';
import { lognormalSeconds } from './talk-time.ts';

// What a simulated agent does after its call (docs/pds-dialer.md): it files a promise to pay a few
// days ahead, so the TALKRESULT webhook and querytaskdetail's customizeResults have something to
// show, and it wraps up for a time drawn around its own median (docs/agents.md).

const DAY_MS = 86_400_000;

export function simulatedDisposition(run: PdsCallRun, now: Date): Disposition {
  const ptpDate = new Date(now.getTime() + 3 * DAY_MS).toISOString().slice(0, 10);
  return {
    customizeResults: [
      { title: 'PTP Date', groupName: 'PTP', value: ptpDate },
      { title: 'Spokewith', groupName: 'Contact', value: 'Customer' },
    ],
    remarks: `simulated agent ${run.agent?.name ?? ''}: promised to pay on ${ptpDate}`,
  };
}

/**
 * A simulated agent's after-call work: a lognormal draw around its `acw_median_seconds` (with its
 * talk sigma), never past the task's acw time; the whole acw time without a median, and for a
 * person. The agent's acw timer (the agent.acw_end job) then readies it, as for any agent.
 */
export function simulatedAcwSeconds(
  acwSeconds: number,
  agent: Pick<HeldAgent, 'simulated' | 'acwMedianSeconds' | 'talkSigma'>,
  random = Math.random,
): number {
  if (!agent.simulated || agent.acwMedianSeconds === null) return acwSeconds;
  const drawn = Math.round(lognormalSeconds(agent.acwMedianSeconds, agent.talkSigma, random));
  return Math.min(acwSeconds, drawn);
}
