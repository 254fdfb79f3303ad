import { GenerateError } from "../gen/index.js";
import { genCommand } from "./gen-command.js";
import { USAGE, helpCommand } from "./help-command.js";
import { interopCommand } from "./interop-command.js";
import { probeCommand } from "./probe-command.js";
import { traceCommand } from "./trace-command.js";
import { UsageError, type CommandIo } from "./usage-error.js";

/** A subcommand: its arguments in, an exit code out (at once, or when a network command ends). One file per command. */
type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  gen: genCommand,
  help: helpCommand,
  interop: interopCommand,
  probe: probeCommand,
  trace: traceCommand,
};

/**
 * Runs `tsgrpc <command> ...` and returns the exit code: 0 done, 1 the command failed (a bad
 * .proto file, an unreadable file), 2 a usage mistake. Errors are one line on stderr, never a
 * stack trace. A command that calls a server (trace) returns a promise of the code.
 */
export function runCli(args: readonly string[], io: CommandIo): number | Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`tsgrpc: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(", ")})\n`);
    return 2;
  }
  const failed = (error: unknown): number => report(name, error, io);
  try {
    const code = command(rest, io);
    return typeof code === "number" ? code : code.catch(failed);
  } catch (error) {
    return failed(error);
  }
}

/** One line for a command's failure; the exit code: 2 for a usage mistake, else 1. */
function report(name: string, error: unknown, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.stderr(`tsgrpc ${name}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof GenerateError) {
    io.stderr(`tsgrpc ${name}: ${error.message}\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException).code;
  const text = error instanceof Error ? error.message : String(error);
  io.stderr(`tsgrpc ${name}: ${typeof code === "string" ? `${code}: ${text}` : text}\n`);
  return 1;
}
