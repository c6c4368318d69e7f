// What a failed command prints and returns: one line on stderr, no stack, and an exit code a
// script can branch on (2: the command line or its input is wrong; 1: anything else).

/** The command line is wrong: exit code 2. */
export class UsageError extends Error {}

/** An admin operation refused its input (an HTTP status, as the admin API would answer it). */
export class AdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A wrong command line: ours, or one node:util's parseArgs refused. */
export function isUsageError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof UsageError || (code !== undefined && /^ERR_PARSE_ARGS/.test(code));
}

export function exitCodeOf(error: unknown): number {
  if (isUsageError(error)) return 2;
  if (error instanceof AdminError) return error.status >= 400 && error.status < 500 ? 2 : 1;
  return 1;
}

/** One line: the message, or for an error without one (AggregateError, say) what it wraps. */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let message = error.message;
  if (!message && error instanceof AggregateError && error.errors.length > 0) {
    message = oneLine(error.errors[0]);
  }
  if (!message) message = (error as NodeJS.ErrnoException).code ?? error.name;
  return message.replace(/\s*\n\s*/g, ' ');
}
