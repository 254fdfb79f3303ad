import { readFileSync } from "node:fs";
import {
  GrpcError,
  createClient,
  defineService,
  rawCodec,
  type CallOptions,
  type Metadata,
  type MethodKind,
  type UntypedFunction,
} from "../index.js";
import type { MethodDescriptorProto } from "../wkt/index.js";
import { ArgumentReader } from "./argument-reader.js";
import { CONNECTION_USAGE, defaultConnectionFlags, takeConnectionFlag } from "./connection-flags.js";
import { ExitCode } from "./exit-code.js";
import { JsonValueSplitter } from "./json-values.js";
import { createTranscoder, type JsonTranscoder } from "./json-transcoder.js";
import { SCHEMA_USAGE, reportStatus, takeSchemaFlag, withSession, type SchemaFlags, type Session } from "./network-command.js";
import { CliError, UsageError, type CommandIo } from "./usage-error.js";

/** The help text of `tsgrpc call`. */
export const CALL_USAGE = `Usage: tsgrpc call <target> <pkg.Service/Method> [-d JSON | -d @FILE | -d @-] [options]

Calls a method with requests written as proto3 JSON and prints each response as JSON as it
arrives. The schema comes from the server's reflection service, or from --proto files. For
client- and bidi-streaming methods the requests are a stream of JSON values (concatenated or one
per line), from -d or, without -d, from stdin, each sent as soon as it is complete. The exit code
is the call's gRPC status code (0 for OK); a failed call prints CODE: message and the rich error
details (google.rpc.Status) as JSON on stderr.

Options:
  -d, --data JSON          the request(s) as JSON; @FILE reads a file, @- reads stdin
                           (default: {} for unary and server-streaming methods, stdin otherwise)
  --emit-defaults          print fields that hold their default value too
  --compression NAME       compress requests: gzip, deflate or identity
  -v, --verbose            print the response headers and trailers on stderr
${SCHEMA_USAGE}${CONNECTION_USAGE}  -h, --help               show this help
`;

/** The parsed arguments of `tsgrpc call`. */
interface CallArguments {
  target: string;
  service: string;
  method: string;
  data: string | undefined;
  emitDefaults: boolean;
  compression: string | undefined;
  verbose: boolean;
}

const METHOD_FORM = /^\/?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)[/.]([A-Za-z_]\w*)$/;

/** `tsgrpc call`: one call with JSON requests and responses. Resolves to its exit code. */
export async function callCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const reader = new ArgumentReader(args, "call");
  const connection = defaultConnectionFlags();
  const schema: SchemaFlags = { protos: [], includeDirs: [] };
  const parsed: Omit<CallArguments, "target" | "service" | "method"> = {
    data: undefined,
    emitDefaults: false,
    compression: undefined,
    verbose: false,
  };
  for (const flag of reader) {
    if (flag === "-h" || flag === "--help") {
      io.stdout(CALL_USAGE);
      return ExitCode.Ok;
    }
    if (flag === "-d" || flag === "--data") parsed.data = reader.value();
    else if (flag === "--emit-defaults") parsed.emitDefaults = true;
    else if (flag === "-v" || flag === "--verbose") parsed.verbose = true;
    else if (flag === "--compression") {
      const name = reader.value();
      if (!["gzip", "deflate", "identity"].includes(name))
        throw new UsageError(`--compression must be gzip, deflate or identity, not ${JSON.stringify(name)}`);
      parsed.compression = name;
    } else if (!takeConnectionFlag(flag, reader, connection) && !takeSchemaFlag(flag, reader, schema)) throw reader.unknown(flag);
  }
  const [target, methodName, ...extra] = reader.positional;
  if (target === undefined || methodName === undefined)
    throw new UsageError("needs a target and a method: tsgrpc call <target> <pkg.Service/Method>");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])} (requests go in -d or on stdin)`);
  const form = METHOD_FORM.exec(methodName);
  if (form === null) throw new UsageError(`method ${JSON.stringify(methodName)} is not of the form pkg.Service/Method`);
  const call: CallArguments = { ...parsed, target, service: form[1]!, method: form[2]! };
  // Read -d @FILE before connecting: a missing file is a mistake of its own.
  const data = call.data?.startsWith("@") && call.data !== "@-" ? readData(call.data.slice(1)) : call.data;
  return withSession(target, connection, schema, (session) => runCall(session, call, data, io));
}

function readData(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `-d @${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      ExitCode.NoInput,
    );
  }
}

async function runCall(session: Session, call: CallArguments, data: string | undefined, io: CommandIo): Promise<number> {
  const { source } = session;
  const symbol = await source.resolve(call.service);
  if (symbol?.kind !== "service") {
    const services = await source.listServices().catch(() => [] as string[]);
    throw new CliError(
      `${call.target} has no service ${call.service} (services: ${services.join(", ") || "none"})`,
      ExitCode.UnknownSymbol,
    );
  }
  const method = symbol.service.method.find((candidate) => candidate.name === call.method);
  if (method === undefined)
    throw new CliError(
      `${call.service} has no method ${call.method} (it has: ${symbol.service.method.map((candidate) => candidate.name).join(", ")})`,
      ExitCode.UnknownSymbol,
    );
  const inputType = (method.inputType ?? "").replace(/^\./, "");
  const outputType = (method.outputType ?? "").replace(/^\./, "");
  for (const type of [inputType, outputType]) await source.resolve(type);
  const transcoder = createTranscoder([...source.schema.encodedFiles.values()]);
  const kind = kindOf(method);
  const streamingRequests = kind === "client_streaming" || kind === "bidi_streaming";

  // The requests: JSON text values, converted to bytes as they come; a mistake stops the call with exit code 65.
  const label = data === undefined || call.data === "@-" ? "stdin" : call.data?.startsWith("@") ? call.data : "-d";
  let inputError: CliError | undefined;
  const encode = (json: string, index: number): Uint8Array => {
    try {
      return transcoder.fromJson(inputType, json);
    } catch (error) {
      const text = error instanceof GrpcError ? error.statusMessage : (error as Error).message;
      inputError = new CliError(`${label}: request ${index + 1}: ${text}`, ExitCode.DataError, { cause: error });
      throw inputError;
    }
  };
  const texts =
    data === undefined && streamingRequests
      ? readStdinValues(io, label)
      : data === undefined || call.data === "@-"
        ? undefined
        : splitAll(data, label);
  let requests: AsyncIterable<Uint8Array>;
  let single: Uint8Array | undefined;
  if (streamingRequests)
    requests = encodeAll(texts ?? readStdinValues(io, label), encode, (error) => {
      inputError = error;
    });
  else {
    const values = texts === undefined ? (data === undefined ? ["{}"] : await collect(readStdinValues(io, label))) : await collect(texts);
    if (values.length !== 1)
      throw new CliError(`${label}: a ${kind.replace("_", "-")} method takes one request, got ${values.length}`, ExitCode.DataError);
    single = encode(values[0]!, 0);
    requests = (async function* () {})();
  }

  const service = defineService(call.service, { call: { name: call.method, kind, requestCodec: rawCodec, responseCodec: rawCodec } });
  const invoke = createClient(service, session.channel).call as UntypedFunction;
  const options: CallOptions = {
    ...session.options,
    compression: call.compression,
    onHeaders: call.verbose ? (metadata) => io.stderr(metadataText("Response headers", metadata)) : undefined,
    onTrailers: call.verbose ? (metadata) => io.stderr(metadataText("Response trailers", metadata)) : undefined,
  };
  const print = (bytes: Uint8Array): void =>
    io.stdout(`${JSON.stringify(toJson(transcoder, outputType, bytes, call.emitDefaults), null, 2)}\n`);
  try {
    const result: unknown = invoke(streamingRequests ? requests : single, options);
    if (kind === "unary" || kind === "client_streaming") print((await result) as Uint8Array);
    else for await (const response of result as AsyncIterable<Uint8Array>) print(response);
    return ExitCode.Ok;
  } catch (error) {
    if (inputError !== undefined) throw inputError;
    if (error instanceof GrpcError) return reportStatus(error, io, (details) => toJson(transcoder, "google.rpc.Status", details, false));
    throw error;
  }
}

function kindOf(method: MethodDescriptorProto): MethodKind {
  if (method.clientStreaming === true) return method.serverStreaming === true ? "bidi_streaming" : "client_streaming";
  return method.serverStreaming === true ? "server_streaming" : "unary";
}

function toJson(transcoder: JsonTranscoder, typeName: string, bytes: Uint8Array, emitDefaults: boolean): unknown {
  return transcoder.toJson(typeName, bytes, { emitDefaults });
}

function metadataText(title: string, metadata: Metadata): string {
  const lines = [`${title}:`];
  for (const [key, value] of metadata) lines.push(`  ${key}: ${typeof value === "string" ? value : Buffer.from(value).toString("base64")}`);
  return `${lines.join("\n")}\n`;
}

/** Every JSON value of `text`, at once; a syntax mistake is exit code 65 naming line and column. */
async function* splitAll(text: string, label: string): AsyncIterable<string> {
  yield* splitOrFail(label, () => {
    const splitter = new JsonValueSplitter();
    return [...splitter.push(text), ...splitter.end()];
  });
}

/** The JSON values of stdin, each as soon as it is complete. */
async function* readStdinValues(io: CommandIo, label: string): AsyncIterable<string> {
  const splitter = new JsonValueSplitter();
  const decoder = new TextDecoder();
  for await (const chunk of io.stdin ?? process.stdin) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    yield* splitOrFail(label, () => splitter.push(text));
  }
  yield* splitOrFail(label, () => splitter.push(decoder.decode()));
  yield* splitOrFail(label, () => splitter.end());
}

function splitOrFail(label: string, split: () => string[]): string[] {
  try {
    return split();
  } catch (error) {
    throw new CliError(`${label}: malformed JSON at ${(error as Error).message}`, ExitCode.DataError);
  }
}

/** The requests as bytes; a mistake in the input is kept by `failed` (the call then ends CANCELLED, the mistake is what to report). */
async function* encodeAll(
  texts: AsyncIterable<string>,
  encode: (json: string, index: number) => Uint8Array,
  failed: (error: CliError) => void,
): AsyncIterable<Uint8Array> {
  let index = 0;
  try {
    for await (const text of texts) yield encode(text, index++);
  } catch (error) {
    if (error instanceof CliError) failed(error);
    throw error;
  }
}

async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of values) all.push(value);
  return all;
}
