import type { Queryable } from '../../store/db.ts';
import { appSettings } from '../auth/app-directory.ts';
import {
  checkContacts,
  lockContacts,
  recordAttemptsIn,
  type AttemptToRecord,
} from '../compliance/compliance.service.ts';
import type { ChannelRecord } from './channels.repository.ts';
import type { MessageRecord } from './messages.repository.ts';

// The contact ledger's check for the business-initiated messages of a claim (templates, SMS):
// do-not-call and opt-out across channels, the channel's send window (else the app's calling
// windows), the caps across channels. Allowed ones are attempts (a ledger row each), blocked
// ones fail for good (a blocked row), held ones wait for the window or the caps. Free-form
// replies are checked when queued (sendFreeForm: DNC and opt-out only) and are not attempts.
// A message already attempted once (a retry after a rate limit) is not checked or counted again.

/** No window opens within the check's horizon: ask again in an hour. */
const HOLD_FALLBACK_MS = 3_600_000;

export type ComplianceVerdict =
  { kind: 'send' } | { kind: 'hold'; until: Date } | { kind: 'block'; reason: 'dnc' | 'opt_out' };

export async function checkClaimed(
  tx: Queryable,
  channel: ChannelRecord,
  claimed: readonly MessageRecord[],
  now: Date,
): Promise<Map<string, ComplianceVerdict>> {
  const verdicts = new Map<string, ComplianceVerdict>();
  const asked = claimed.filter((m) => m.kind !== 'free_form' && m.attempts === 0);
  for (const m of claimed) if (!asked.includes(m)) verdicts.set(m.id, { kind: 'send' });
  if (asked.length === 0) return verdicts;
  const app = await appSettings(tx, channel.appId);
  const ledgerChannel = channel.kind === 'whatsapp' ? 'whatsapp' : 'sms';
  const contacts = asked.map((m) => ({ number: `+${m.userId}`, caseId: '' }));
  await lockContacts(tx, channel.appId, contacts);
  const decisions = await checkContacts(tx, {
    appId: channel.appId,
    channel: ledgerChannel,
    at: now,
    appZone: app?.timezone ?? 'UTC',
    appWindows: app?.callingWindows ?? null,
    // The channel's quiet hours take the place a task's windows take for calls.
    taskWindows: channel.sendWindow,
    contactCaps: app?.contactCaps ?? null,
    contacts,
  });
  const ledger: AttemptToRecord[] = [];
  asked.forEach((m, i) => {
    const d = decisions[i]!;
    const row = {
      appId: channel.appId,
      channel: ledgerChannel,
      number: `+${m.userId}`,
      caseId: '',
      taskId: m.batchId,
      attemptedAt: now,
      source: { kind: 'message', id: m.id },
    } as const;
    if (d.decision === 'allowed') {
      verdicts.set(m.id, { kind: 'send' });
      ledger.push({ ...row, decision: 'allowed', reason: null, audit: d.audit });
    } else if (d.decision === 'held') {
      verdicts.set(m.id, {
        kind: 'hold',
        until: d.nextOpen ?? new Date(now.getTime() + HOLD_FALLBACK_MS),
      });
    } else {
      verdicts.set(m.id, { kind: 'block', reason: d.reason });
      ledger.push({ ...row, decision: 'blocked', reason: d.reason, audit: null });
    }
  });
  await recordAttemptsIn(tx, ledger);
  return verdicts;
}
