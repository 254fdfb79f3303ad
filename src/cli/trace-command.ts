import { readFileSync } from "node:fs";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  createClient,
  loadService,
  runTraced,
  type CallOptions,
  type Method,
  type Service,
  type TlsOptions,
} from "../index.js";
import { TypeRegistry } from "../descriptor/index.js";
import { ExitCode } from "./exit-code.js";
import { CliError, UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc trace`. */
export const TRACE_USAGE = `Usage: tsgrpc trace <target> <pkg.Service/Method> --proto FILE [-I DIR]... [options]

Runs one call with the protocol tracer on and prints every layer of it (docs/LAYERS.md):
resolution and connection, the request headers, each length-prefixed message, the response
headers, trailers and status. The exit code is the call's gRPC status code (0 for OK).

Options:
  --proto FILE             the .proto file that defines the service (repeatable)
  -I, --proto_path DIR     directory to search for the .proto and its imports (repeatable)
  -d, --data JSON          the request as proto3 JSON, as tsgrpc call reads it (default {});
                           @FILE reads it from a file;
                           for client- and bidi-streaming methods, a JSON array of requests
  -H, --header 'k: v'      request metadata (repeatable)
  --timeout MS             the call's deadline in milliseconds
  --format text|json       trace format (default text; json is one object per line)
  --tls                    use TLS (default for https:// targets)
  --cacert FILE            CA certificate(s) to trust (PEM), implies --tls
  --authority NAME         TLS server name and :authority to use
  -h, --help               show this help
`;

/** The parsed arguments of `tsgrpc trace`. */
export interface TraceArguments {
  target: string;
  method: string;
  protos: string[];
  includeDirs: string[];
  data: string;
  headers: [string, string][];
  timeoutMs: number | undefined;
  format: "text" | "json";
  tls: boolean;
  cacert: string | undefined;
  authority: string | undefined;
  help: boolean;
}

/** Parses the arguments of `tsgrpc trace`; a mistake is a UsageError. */
export function parseTraceArguments(args: readonly string[]): TraceArguments {
  const parsed: TraceArguments = {
    target: "",
    method: "",
    protos: [],
    includeDirs: [],
    data: "{}",
    headers: [],
    timeoutMs: undefined,
    format: "text",
    tls: false,
    cacert: undefined,
    authority: undefined,
    help: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^(--[a-z_-]+)=(.*)$/s.exec(arg);
    const flag = inline?.[1] ?? arg;
    const take = (): string => {
      const value = inline === null ? args[++i] : inline[2];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
      return value;
    };
    if (flag === "-h" || flag === "--help") parsed.help = true;
    else if (flag === "--proto") parsed.protos.push(take());
    else if (flag === "-I" || flag === "--proto_path" || flag === "--proto-path") parsed.includeDirs.push(take());
    else if (arg.startsWith("-I") && arg.length > 2) parsed.includeDirs.push(arg.slice(2));
    else if (flag === "-d" || flag === "--data") parsed.data = take();
    else if (flag === "-H" || flag === "--header") parsed.headers.push(parseHeader(take()));
    else if (flag === "--timeout") parsed.timeoutMs = parseTimeout(take());
    else if (flag === "--format") {
      const format = take();
      if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not ${JSON.stringify(format)}`);
      parsed.format = format;
    } else if (flag === "--tls") parsed.tls = true;
    else if (flag === "--cacert") {
      parsed.cacert = take();
      parsed.tls = true;
    } else if (flag === "--authority") parsed.authority = take();
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg} (see tsgrpc trace --help)`);
    else positional.push(arg);
  }
  if (parsed.help) return parsed;
  if (positional.length !== 2) throw new UsageError("needs a target and a method: tsgrpc trace <target> <pkg.Service/Method>");
  parsed.target = positional[0]!;
  parsed.method = positional[1]!;
  if (!/^\/?[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/.test(parsed.method))
    throw new UsageError(`method ${JSON.stringify(parsed.method)} is not of the form pkg.Service/Method`);
  if (parsed.protos.length === 0)
    throw new UsageError("needs --proto FILE: the schema of the method (reflection is not supported by this command yet)");
  return parsed;
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`header ${JSON.stringify(text)} is not of the form 'key: value'`);
  return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()];
}

function parseTimeout(text: string): number {
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new UsageError(`--timeout must be a positive number of milliseconds, not ${JSON.stringify(text)}`);
  return ms;
}

/** `tsgrpc trace`: one call, traced layer by layer. Resolves to the call's status code. */
export async function traceCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseTraceArguments(args);
  if (parsed.help) {
    io.stdout(TRACE_USAGE);
    return 0;
  }
  const path = parsed.method.startsWith("/") ? parsed.method.slice(1) : parsed.method;
  const [serviceName, methodName] = path.split("/") as [string, string];
  const service: Service = await loadService(parsed.protos, serviceName, { includeDirs: parsed.includeDirs });
  const method = Object.values(service.methods).find((candidate: Method) => candidate.name === methodName);
  if (method === undefined)
    throw new UsageError(
      `${serviceName} has no method ${methodName} (it has: ${Object.values(service.methods)
        .map((candidate: Method) => candidate.name)
        .join(", ")})`,
    );
  const requests = parseRequests(parsed.data, method).map((value) => canonicalRequest(service, method, value));
  const metadata = new Metadata();
  for (const [key, value] of parsed.headers) metadata.add(key, value);
  const output = { write: (text: string): boolean => (io.stdout(text), true), isTTY: false };
  return runTraced(
    async (trace) => {
      const tls: TlsOptions | undefined = parsed.tls ? {} : undefined;
      if (tls !== undefined && parsed.cacert !== undefined) tls.ca = readFileSync(parsed.cacert);
      if (tls !== undefined && parsed.authority !== undefined) tls.serverNameOverride = parsed.authority;
      const channel = new Channel(parsed.target, { trace, logger: null, tls });
      const options: CallOptions = { metadata, timeoutMs: parsed.timeoutMs };
      try {
        await callOnce(channel, service, method, requests, options);
        io.stderr("OK\n");
        return Code.Ok;
      } catch (error) {
        const status = GrpcError.from(error, Code.Unknown, "client: the call failed");
        io.stderr(`${status.message}\n`);
        return status.code;
      } finally {
        channel.close();
      }
    },
    { output, format: parsed.format },
  );
}

/** Reads -d: JSON, or @FILE; a streaming request side takes an array (a single value is one message). */
function parseRequests(data: string, method: Method): unknown[] {
  const text = data.startsWith("@") ? readFileSync(data.slice(1), "utf8") : data;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`-d is not valid JSON: ${(error as Error).message}`);
  }
  const streaming = method.kind === "client_streaming" || method.kind === "bidi_streaming";
  if (streaming) return Array.isArray(value) ? value : [value];
  if (Array.isArray(value) || typeof value !== "object" || value === null)
    throw new UsageError(`-d must be a JSON object for the ${method.kind} method ${method.name}`);
  return [value];
}

/**
 * The request as the proto3 JSON mapping reads it (the same as `tsgrpc call`: lowerCamelCase or
 * proto names, int64 as strings, enums by name, well-known types), decoded into the method's own
 * request type; a service without a schema (`files`) keeps protobufjs's reading of the object.
 */
function canonicalRequest(service: Service, method: Method, value: unknown): unknown {
  if (service.files === undefined) return value;
  const registry = TypeRegistry.fromFiles(service.files());
  const inputType = registry.service(service.name)?.methods.find((candidate) => candidate.name === method.name)?.inputType;
  if (inputType === undefined) return value;
  try {
    return method.requestCodec.decode(registry.fromJson(inputType, JSON.stringify(value)));
  } catch (error) {
    throw new CliError(`-d: ${error instanceof GrpcError ? error.statusMessage : (error as Error).message}`, ExitCode.DataError, {
      cause: error,
    });
  }
}

async function callOnce(channel: Channel, service: Service, method: Method, requests: unknown[], options: CallOptions): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: a method known only at run time; its messages are JSON objects
  const call = (createClient(service, channel) as Record<string, any>)[method.localName];
  switch (method.kind) {
    case "unary":
      await call(requests[0], options);
      return;
    case "server_streaming":
      for await (const _ of call(requests[0], options));
      return;
    case "client_streaming":
      await call(iterate(requests), options);
      return;
    default:
      for await (const _ of call(iterate(requests), options));
  }
}

async function* iterate(values: unknown[]): AsyncGenerator<unknown> {
  yield* values;
}
