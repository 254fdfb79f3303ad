import { ExitCode } from "./exit-code.js";

/**
 * A failure of a command that is reported as one line on stderr with its own exit code (see
 * ExitCode), never with a stack trace.
 */
export class CliError extends Error {
  override readonly name: string = "CliError";
  /** The process's exit code for this failure. */
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** A mistake on the command line (unknown flag, missing argument): printed as one line, exit code 64. */
export class UsageError extends CliError {
  override readonly name = "UsageError";

  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** What a command writes to: the CLI's stdout and stderr, or a test's buffers; and where it reads stdin from. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The standard input, for `-d @-` and streamed requests; default: process.stdin. */
  stdin?: AsyncIterable<Uint8Array | string> | undefined;
}
