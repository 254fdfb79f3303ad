import { ArgumentReader } from "./argument-reader.js";
import { CONNECTION_USAGE, defaultConnectionFlags, takeConnectionFlag } from "./connection-flags.js";
import { describeSymbol } from "./describe-symbol.js";
import { ExitCode } from "./exit-code.js";
import { SCHEMA_USAGE, takeSchemaFlag, withSession, type SchemaFlags } from "./network-command.js";
import { protoSource, type SchemaSource } from "./schema-source.js";
import { CliError, UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc describe`. */
export const DESCRIBE_USAGE = `Usage: tsgrpc describe <target> [symbol] [options]

Prints a service, method (pkg.Service.Method or pkg.Service/Method), message or enum as .proto
source, found through the server's reflection service or in --proto files (then the server is not
contacted). With no symbol,
describes every service.

Options:
${SCHEMA_USAGE}${CONNECTION_USAGE}  -h, --help               show this help
`;

/** `tsgrpc describe`: a definition as .proto text. */
export async function describeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const reader = new ArgumentReader(args, "describe");
  const connection = defaultConnectionFlags();
  const schema: SchemaFlags = { protos: [], includeDirs: [] };
  for (const flag of reader) {
    if (flag === "-h" || flag === "--help") {
      io.stdout(DESCRIBE_USAGE);
      return ExitCode.Ok;
    }
    if (!takeConnectionFlag(flag, reader, connection) && !takeSchemaFlag(flag, reader, schema)) throw reader.unknown(flag);
  }
  const [target, symbolName, ...extra] = reader.positional;
  if (target === undefined) throw new UsageError("needs a target: tsgrpc describe <target> [symbol]");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: tsgrpc describe <target> [symbol]`);
  const name = symbolName?.replace(/^\./, "").replace(/\/(?=[^/]*$)/, ".");
  // .proto files answer on their own: no connection needed.
  if (schema.protos.length > 0) return describe(protoSource(schema.protos, schema.includeDirs), target, name, io);
  return withSession(target, connection, schema, ({ source }) => describe(source, target, name, io));
}

async function describe(source: SchemaSource, target: string, symbolName: string | undefined, io: CommandIo): Promise<number> {
  const names = symbolName === undefined ? [...(await source.listServices())].sort() : [symbolName];
  for (const name of names) {
    const symbol = await source.resolve(name);
    if (symbol === undefined)
      throw new CliError(`${target} has no symbol ${name} (not a service, method, message or enum it knows)`, ExitCode.UnknownSymbol);
    io.stdout(describeSymbol(symbol));
  }
  return ExitCode.Ok;
}
