import { GenerateError } from "../gen/index.js";
import { GrpcError } from "../index.js";
import { callCommand } from "./call-command.js";
import { describeCommand } from "./describe-command.js";
import { ExitCode } from "./exit-code.js";
import { genCommand } from "./gen-command.js";
import { healthCommand } from "./health-command.js";
import { USAGE, helpCommand } from "./help-command.js";
import { interopCommand } from "./interop-command.js";
import { probeCommand } from "./probe-command.js";
import { listCommand } from "./list-command.js";
import { reportStatus } from "./network-command.js";
import { traceCommand } from "./trace-command.js";
import { CliError, type CommandIo } from "./usage-error.js";

/** A subcommand: its arguments in, an exit code out (at once, or when a network command ends). One file per command. */
type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  call: callCommand,
  describe: describeCommand,
  gen: genCommand,
  health: healthCommand,
  help: helpCommand,
  interop: interopCommand,
  list: listCommand,
  probe: probeCommand,
  trace: traceCommand,
};

/**
 * Runs `tsgrpc <command> ...` and returns the exit code (ExitCode: 0 done, 1..16 a failed call's
 * status code, 64 a usage mistake, 65 bad input data, 66 an unreadable file, 67 an unknown
 * symbol, 69 an unreachable target, 75 not SERVING, 76 no reflection). Errors are one line on
 * stderr, never a stack trace. A command that calls a server returns a promise of the code.
 */
export function runCli(args: readonly string[], io: CommandIo): number | Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`tsgrpc: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(", ")})\n`);
    return ExitCode.Usage;
  }
  const failed = (error: unknown): number => report(name, error, io);
  try {
    const code = command(rest, io);
    return typeof code === "number" ? code : code.catch(failed);
  } catch (error) {
    return failed(error);
  }
}

/** One line for a command's failure, and its exit code. */
function report(name: string, error: unknown, io: CommandIo): number {
  if (error instanceof CliError) {
    io.stderr(`tsgrpc ${name}: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof GenerateError) {
    io.stderr(`tsgrpc ${name}: ${error.message}\n`);
    return /: (no such file|no such directory|cannot read )/.test(error.message) ? ExitCode.NoInput : ExitCode.DataError;
  }
  // A call the command made failed (reflection, say): its status is the exit code.
  if (error instanceof GrpcError) return reportStatus(error, io);
  const code = (error as NodeJS.ErrnoException).code;
  const text = error instanceof Error ? error.message : String(error);
  io.stderr(`tsgrpc ${name}: ${typeof code === "string" ? `${code}: ${text}` : text}\n`);
  return typeof code === "string" && /^E(NOENT|ACCES|ISDIR|PERM)$/.test(code) ? ExitCode.NoInput : ExitCode.Software;
}
