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

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof AdminError) return error.status >= 400 && error.status < 500 ? 2 : 1;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && /^ERR_PARSE_ARGS/.test(code)) return 2;
  if ((error as Error | undefined)?.name === 'ConfigError') return 2;
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
