import { GrpcError, codeName, type CallOptions, type Channel } from "../index.js";
import type { ArgumentReader } from "./argument-reader.js";
import { callOptionsOf, openChannel, type ConnectionFlags } from "./connection-flags.js";
import { ExitCode } from "./exit-code.js";
import { ReflectionClient } from "./reflection-client.js";
import { protoSource, reflectionSource, type SchemaSource } from "./schema-source.js";
import { CliError, type CommandIo } from "./usage-error.js";

/** The help lines of the schema flags. */
export const SCHEMA_USAGE = `  --proto FILE             take the schema from this .proto file instead of server
                           reflection (repeatable)
  -I, --proto_path DIR     directory to search for --proto files and their imports
                           (repeatable; default: each file's own directory)
`;

/** The schema flags: .proto files instead of reflection. */
export interface SchemaFlags {
  protos: string[];
  includeDirs: string[];
}

/** Reads `flag` into `flags` if it is a schema flag; false if it is not one. */
export function takeSchemaFlag(flag: string, reader: ArgumentReader, flags: SchemaFlags): boolean {
  if (flag === "--proto") flags.protos.push(reader.value());
  else if (flag === "-I" || flag === "--proto_path" || flag === "--proto-path" || flag === "--import-path")
    flags.includeDirs.push(reader.value());
  else return false;
  return true;
}

/** What a network command works with while it runs. */
export interface Session {
  channel: Channel;
  /** The options of every call (metadata, deadline). */
  options: CallOptions;
  /** The schema: reflection, or the --proto files. */
  source: SchemaSource;
}

/**
 * Runs a command against `target`: opens the channel, connects (an unreachable target is exit
 * code 69 naming the address and the cause, before any call), gives `run` the schema source, and
 * closes everything after. `schema` false skips the schema (health needs none).
 */
export async function withSession(
  target: string,
  connection: ConnectionFlags,
  schema: SchemaFlags | false,
  run: (session: Session) => Promise<number>,
): Promise<number> {
  const source = schema !== false && schema.protos.length > 0 ? protoSource(schema.protos, schema.includeDirs) : undefined;
  const channel = openChannel(target, connection);
  const options = callOptionsOf(connection);
  try {
    try {
      await channel.connect(connection.timeoutMs === undefined ? undefined : Date.now() + connection.timeoutMs);
    } catch (error) {
      const cause = error instanceof GrpcError ? error.statusMessage : String(error);
      throw new CliError(`cannot reach ${target}: ${cause}`, ExitCode.Unreachable, { cause: error });
    }
    const session: Session = { channel, options, source: source ?? reflectionSource(new ReflectionClient(channel, options)) };
    try {
      return await run(session);
    } finally {
      session.source.close();
    }
  } finally {
    channel.close();
  }
}

/**
 * Reports a failed call on stderr as `CODE: message`, then the decoded rich error details
 * (google.rpc.Status in grpc-status-details-bin) one JSON object per line, and returns the status
 * code as the exit code.
 */
export function reportStatus(error: GrpcError, io: CommandIo, detailsJson?: (details: Uint8Array) => unknown): number {
  io.stderr(`${codeName(error.code)}: ${error.statusMessage}\n`);
  if (error.details !== undefined) {
    let printed = false;
    if (detailsJson !== undefined) {
      try {
        const status = detailsJson(error.details) as { details?: unknown[] };
        for (const detail of status.details ?? []) io.stderr(`${JSON.stringify(detail)}\n`);
        printed = true;
      } catch {
        // A detail whose type the schema lacks: fall back to the raw form below.
      }
    }
    if (!printed)
      for (const detail of error.statusDetails?.details ?? [])
        io.stderr(`${JSON.stringify({ "@type": detail.typeUrl, value: Buffer.from(detail.value).toString("base64") })}\n`);
  }
  return error.code;
}
