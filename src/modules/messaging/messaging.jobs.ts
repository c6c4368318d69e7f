import type { InboundEvent } from '../../channels/messaging/messaging-channel.ts';
import {
  defineJob,
  enqueue,
  handleJob,
  PermanentJobError,
  type Payload,
} from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { ChannelRecord } from './channels.repository.ts';
import type { MessagingService } from './messaging.service.ts';
import { applyInbound } from './inbound.ts';

// messaging.inbound: what a provider sent, stored as it came (the webhook's raw body and its
// signature headers, or a push adapter's parsed events) and applied here, on any worker. The
// webhook route answers 200 once the job is stored; a crash between the two loses nothing.

export interface InboundJob extends Payload {
  channel_pk: number;
  /** The webhook body, base64 (the signature covers these exact bytes). */
  raw?: string;
  headers?: Record<string, string>;
  /** Events a push-style adapter delivered (JSON: instants as ISO strings). */
  events?: unknown[];
  received_at: string;
}

export const MESSAGING_INBOUND = defineJob<InboundJob>(QUEUES.messagingInbound, {
  decode: (stored) => stored as InboundJob,
  // A status may arrive before the send's outcome is written: try again soon, not in an hour.
  retry: { maxAttempts: 12, baseDelayMs: 250, maxDelayMs: 60_000 },
});

/**
 * A message quoting a send whose outcome is not written yet waits this long for it (retried
 * with the job's backoff), then is applied without what it quotes.
 */
const QUOTE_PATIENCE_MS = 30_000;

/** Statuses of messages we do not know are retried this long, then dropped. */
const UNMATCHED_PATIENCE_MS = 10 * 60_000;

/** The headers a provider signs with; nothing else of the request is kept. */
export const SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-hub-signature', 'content-type'];

export async function enqueueInbound(
  tx: Queryable,
  channel: ChannelRecord,
  body: { raw: Buffer; headers: Record<string, string> } | { events: InboundEvent[] },
  now: Date,
  /** Later than now: no runner is woken, their poll finds it when due. */
  runAt: Date = now,
): Promise<void> {
  await enqueue(
    tx,
    MESSAGING_INBOUND,
    {
      channel_pk: channel.pk,
      ...('raw' in body
        ? { raw: body.raw.toString('base64'), headers: body.headers }
        : { events: JSON.parse(JSON.stringify(body.events)) as unknown[] }),
      received_at: now.toISOString(),
    },
    { runAt, wake: runAt.getTime() <= now.getTime() },
  );
}

export function messagingInboundJob(
  db: Db,
  clock: Clock,
  messaging: Pick<MessagingService, 'registry' | 'channelByPk'>,
) {
  const { registry } = messaging;
  return handleJob(MESSAGING_INBOUND, async (job, run) => {
    const unmatched = await db.transaction(async (tx) => {
      const channel = await messaging.channelByPk(tx, job.channel_pk);
      if (!channel) return 0; // the channel was deleted meanwhile
      const events =
        job.raw !== undefined ? parseRaw(registry, channel, job) : revive(job.events ?? []);
      const { unmatched } = await applyInbound(tx, channel, events, clock.now(), {
        quotesMayWait: clock.now().getTime() - Date.parse(job.received_at) < QUOTE_PATIENCE_MS,
      });
      // Done with it once applied, in the same commit; a status still to match keeps it.
      if (unmatched === 0) await run.completeIn?.(tx);
      return unmatched;
    });
    // Committed: a re-run applies nothing twice, and finds the statuses whose send is written.
    if (
      unmatched > 0 &&
      clock.now().getTime() - Date.parse(job.received_at) < UNMATCHED_PATIENCE_MS
    ) {
      throw new Error(`${unmatched} status(es) for messages not known yet`);
    }
  });
}

function parseRaw(
  registry: ChannelRegistry,
  channel: ChannelRecord,
  job: InboundJob,
): InboundEvent[] {
  const receiver = registry.adapterOf(channel).webhook;
  if (!receiver) throw new PermanentJobError(`channel ${channel.channelId} takes no webhook`);
  try {
    return receiver.parse(Buffer.from(job.raw!, 'base64'), job.headers ?? {});
  } catch (error) {
    // Checked when it arrived; failing now means the channel's secret changed since.
    throw new PermanentJobError(error instanceof Error ? error.message : String(error));
  }
}

function revive(events: unknown[]): InboundEvent[] {
  return events.map((e) => {
    const event = e as InboundEvent & { at: string | Date };
    return { ...event, at: new Date(event.at) } as InboundEvent;
  });
}
