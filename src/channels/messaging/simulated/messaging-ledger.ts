// The simulated messaging provider's ledger: one entry per send it accepted, independent of the
// database, as the simulated carrier keeps one per dial. With a file, each entry is appended as
// one JSON line before the send is answered, so a `kill -9` cannot lose a send the provider
// took: the fault tests read the file to prove that no message reached the provider twice.
import { appendLedgerLine, readLedgerLines } from '../../../shared/ledger-file.ts';

export interface MessagingLedgerEntry {
  /** The id the provider answered with (statuses refer to it). */
  providerMessageId: string;
  /** Ours: the send's idempotency key, which the sender sets to our message's id. */
  messageId: string;
  from: string;
  to: string;
  /** The content's type: text, template, image... */
  type: string;
  /** A template's name, for template sends. */
  template?: string;
  at: Date;
}

/** Appends one entry to the file (synchronously: it is on disk before the send is answered). */
export function appendMessagingLedger(file: string, entry: MessagingLedgerEntry): void {
  appendLedgerLine(file, entry);
}

/** The sends a ledger file holds, in order (an absent file holds none). */
export function readMessagingLedgerFile(file: string): MessagingLedgerEntry[] {
  return readLedgerLines<MessagingLedgerEntry>(file);
}
