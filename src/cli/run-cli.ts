import { GenerateError } from "../gen/index.js";
import { genCommand } from "./gen-command.js";
import { USAGE, helpCommand } from "./help-command.js";
import { UsageError, type CommandIo } from "./usage-error.js";

/** A subcommand: its arguments in, an exit code out. One file per command. */
type Command = (args: readonly string[], io: CommandIo) => number;

const COMMANDS: Record<string, Command> = {
  gen: genCommand,
  help: helpCommand,
};

/**
 * Runs `tsgrpc <command> ...` and returns the exit code: 0 done, 1 the command failed (a bad
 * .proto file, an unreadable file), 2 a usage mistake. Errors are one line on stderr, never a
 * stack trace.
 */
export function runCli(args: readonly string[], io: CommandIo): number {
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
  try {
    return command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`tsgrpc ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof GenerateError) {
      io.stderr(`tsgrpc ${name}: ${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(`tsgrpc ${name}: ${code === undefined ? String(error) : `${code}: ${(error as Error).message}`}\n`);
    return 1;
  }
}
