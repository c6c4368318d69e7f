import type { Disposition } from '../../agents/agent-state.service.ts';
import type { PdsCallRun } from './pds-call-run.ts';

// What a simulated agent files after its call (docs/pds-dialer.md): a promise to pay a few days
// ahead, so the TALKRESULT webhook and querytaskdetail's customizeResults have something to show.

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
