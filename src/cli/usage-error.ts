/** A mistake on the command line (unknown flag, missing argument): printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** What a command writes to: the CLI's stdout and stderr, or a test's buffers. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}
