import { ChannelSendError } from '../../channels/messaging/messaging-channel.ts';
import { backoffDelayMs } from '../../shared/backoff.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Db } from '../../store/db.ts';
import { optOut } from '../dnc/dnc.service.ts';
import type { MessageRecord } from './messages.repository.ts';
import { writeOutcomes, type SendOutcome } from './send-queue.repository.ts';
import { statusesChanged } from './status-changes.ts';

// What became of a send, decided from the provider's answer, and written back in batches: the
// outcomes of sends that finish within 10 ms of each other (or 200 of them) share one statement
// and one transaction, with the status events, callbacks and opt-outs they cause.

export type PendingOutcome = SendOutcome & { optedOut?: { appId: number; userId: string } };

const BATCH = 200;
const WAIT_MS = 10;

/** The outcome of a send the provider refused, or that never reached it. */
export function failureOutcome(
  m: MessageRecord,
  error: unknown,
  at: Date,
  maxAttempts: number,
): PendingOutcome {
  const e =
    error instanceof ChannelSendError
      ? error
      : new ChannelSendError('network_error', errorText(error), { retryable: true });
  const failed = {
    id: m.id,
    status: 'failed' as const,
    errorCode: e.code,
    errorMessage: e.message,
    at,
    attempted: true,
  };
  if (e.optedOut) return { ...failed, optedOut: { appId: m.appId, userId: m.userId } };
  const tries = m.attempts + 1;
  if (e.retryable && tries < maxAttempts) {
    const wait = e.retryAfterMs ?? backoffDelayMs(tries, { baseMs: 1_000, maxMs: 300_000 });
    return {
      ...failed,
      status: 'queued',
      nextAttemptAt: new Date(at.getTime() + Math.max(wait, 1)),
    };
  }
  return failed;
}

/** Buffers outcomes and writes them in batches, one batch at a time; a failed write retries. */
export class OutcomeWriter {
  readonly #db: Db;
  readonly #log: Logger;
  #buffer: PendingOutcome[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  add(outcome: PendingOutcome): void {
    this.#buffer.push(outcome);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#buffer.length >= BATCH) {
      void this.flush();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, WAIT_MS);
  }

  /** Writes the buffered outcomes in one transaction; one flush at a time. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer.splice(0);
    this.#flushing = this.#db
      .transaction(async (tx) => {
        const rows = await writeOutcomes(tx, batch);
        // The outcomes' times are the business clock's (the sender took them), the latest is now.
        await statusesChanged(tx, rows, new Date(Math.max(...batch.map((o) => o.at.getTime()))));
        for (const o of batch) {
          if (!o.optedOut) continue;
          // WhatsApp 131050: the person stopped marketing messages; honoured on every channel.
          await optOut(tx, {
            appId: o.optedOut.appId,
            number: `+${o.optedOut.userId}`,
            source: 'whatsapp_button',
            reference: o.id,
          });
        }
      })
      .catch((error: unknown) => {
        this.#log.error({ err: error }, 'messaging: writing send outcomes failed; will retry');
        this.#buffer.unshift(...batch);
        setTimeout(() => this.#schedule(), 500);
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
