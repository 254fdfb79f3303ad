import { ArgumentReader } from "./argument-reader.js";
import { CONNECTION_USAGE, defaultConnectionFlags, takeConnectionFlag } from "./connection-flags.js";
import { ExitCode } from "./exit-code.js";
import { SCHEMA_USAGE, takeSchemaFlag, withSession, type SchemaFlags } from "./network-command.js";
import { protoSource, type SchemaSource } from "./schema-source.js";
import { CliError, UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc list`. */
export const LIST_USAGE = `Usage: tsgrpc list <target> [service] [options]

Lists the services of the server at <target> (one full name a line), or with a service name,
its methods (pkg.Service.Method). The schema comes from the server's reflection service
(grpc.reflection.v1, else v1alpha), or from --proto files (then the server is not contacted).

Options:
${SCHEMA_USAGE}${CONNECTION_USAGE}  -h, --help               show this help
`;

/** `tsgrpc list`: the services of a server, or the methods of one. */
export async function listCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const reader = new ArgumentReader(args, "list");
  const connection = defaultConnectionFlags();
  const schema: SchemaFlags = { protos: [], includeDirs: [] };
  for (const flag of reader) {
    if (flag === "-h" || flag === "--help") {
      io.stdout(LIST_USAGE);
      return ExitCode.Ok;
    }
    if (!takeConnectionFlag(flag, reader, connection) && !takeSchemaFlag(flag, reader, schema)) throw reader.unknown(flag);
  }
  const [target, service, ...extra] = reader.positional;
  if (target === undefined) throw new UsageError("needs a target: tsgrpc list <target> [service]");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: tsgrpc list <target> [service]`);
  // .proto files answer on their own: no connection needed.
  if (schema.protos.length > 0) return list(protoSource(schema.protos, schema.includeDirs), target, service, io);
  return withSession(target, connection, schema, ({ source }) => list(source, target, service, io));
}

async function list(source: SchemaSource, target: string, service: string | undefined, io: CommandIo): Promise<number> {
  if (service === undefined) {
    for (const name of [...(await source.listServices())].sort()) io.stdout(`${name}\n`);
    return ExitCode.Ok;
  }
  const symbol = await source.resolve(service);
  if (symbol?.kind !== "service") {
    const services = await source.listServices();
    throw new CliError(
      `${target} has no service ${service}${symbol === undefined ? "" : ` (it is ${symbol.kind === "enum" ? "an enum" : `a ${symbol.kind}`})`} (services: ${services.join(", ") || "none"})`,
      ExitCode.UnknownSymbol,
    );
  }
  for (const method of symbol.service.method) io.stdout(`${symbol.fullName}.${method.name}\n`);
  return ExitCode.Ok;
}
