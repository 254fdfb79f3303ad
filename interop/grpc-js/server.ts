/**
 * Interop server on @grpc/grpc-js: grpc.testing.TestService as doc/interop-test-descriptions.md
 * ("Server" section) describes it, as far as grpc-js lets a server do it.
 *
 * Flags (reference names): --port=N, --use_tls=true|false, --tls_cert_file=PATH,
 * --tls_key_file=PATH (default: interop/certs/server.pem and server.key), --proto_root=DIR.
 *
 * Two features cannot be built on grpc-js, and calls that ask for them fail with UNIMPLEMENTED and
 * a message naming the limitation (never a silent pass):
 * - CompressedResponse: grpc-js's server frames every response with the compressed flag 0
 *   (server-interceptors.js serializeMessage: "response compression is currently not supported").
 * - CompressedRequest: grpc-js decompresses requests before the handler and removes grpc-encoding
 *   from the metadata it hands over, so a handler cannot tell whether a message arrived compressed.
 */
import grpc from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { booleanFlag, integerFlag, parseFlags } from "./flags.js";
import { DEFAULT_CERTS_DIR, loadTestingPackage } from "./load-protos.js";

const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

const NO_RESPONSE_COMPRESSION = "grpc-js interop server: cannot compress responses (@grpc/grpc-js always sends the compressed flag 0)";
const NO_REQUEST_COMPRESSION_INFO =
  "grpc-js interop server: cannot check expect_compressed (@grpc/grpc-js hides whether a request arrived compressed)";

/** A message as proto-loader decodes it: a plain object with the proto field names. */
type Message = Record<string, any>;

interface StatusError extends Partial<grpc.StatusObject> {
  code: grpc.status;
  details: string;
}

/** A call that can send responses: server streaming or bidi. */
type ResponseWriter = grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>;

function statusError(code: grpc.status, details: string, metadata?: grpc.Metadata): StatusError {
  return { code, details, metadata };
}

function payloadOfSize(size: number): Message {
  return { type: "COMPRESSABLE", body: Buffer.alloc(size) };
}

/** Initial metadata to echo, or undefined when the client sent none. */
function echoInitial(request: grpc.Metadata): grpc.Metadata | undefined {
  const values = request.get(ECHO_INITIAL);
  if (values.length === 0) return undefined;
  const metadata = new grpc.Metadata();
  for (const value of values) metadata.add(ECHO_INITIAL, value);
  return metadata;
}

/** Trailing metadata to echo (always a Metadata, possibly empty). */
function echoTrailing(request: grpc.Metadata): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const value of request.get(ECHO_TRAILING)) metadata.add(ECHO_TRAILING, value);
  return metadata;
}

/** The error a request asks for (response_status) or cannot be served with, else undefined. */
function requestedFailure(request: Message, trailers: grpc.Metadata): StatusError | undefined {
  if (request.expect_compressed !== undefined && request.expect_compressed !== null)
    return statusError(grpc.status.UNIMPLEMENTED, NO_REQUEST_COMPRESSION_INFO, trailers);
  if (request.response_compressed?.value === true) return statusError(grpc.status.UNIMPLEMENTED, NO_RESPONSE_COMPRESSION, trailers);
  for (const parameters of request.response_parameters ?? [])
    if (parameters.compressed?.value === true) return statusError(grpc.status.UNIMPLEMENTED, NO_RESPONSE_COMPRESSION, trailers);
  const status = request.response_status;
  if (status && status.code) return statusError(status.code, status.message ?? "", trailers);
  return undefined;
}

function unaryCall(call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>): void {
  const initial = echoInitial(call.metadata);
  if (initial) call.sendMetadata(initial);
  const trailers = echoTrailing(call.metadata);
  const failure = requestedFailure(call.request, trailers);
  if (failure) {
    callback(failure);
    return;
  }
  if (call.request.response_type !== undefined && call.request.response_type !== "COMPRESSABLE") {
    callback(statusError(grpc.status.INVALID_ARGUMENT, `unsupported response_type ${call.request.response_type}`, trailers));
    return;
  }
  callback(null, { payload: payloadOfSize(call.request.response_size ?? 0) }, trailers);
}

/** Sends the responses one StreamingOutputCallRequest asks for, honouring interval_us. */
async function writeResponses(call: ResponseWriter, request: Message): Promise<void> {
  for (const parameters of request.response_parameters ?? []) {
    if (parameters.interval_us) await sleep(parameters.interval_us / 1000);
    if (call.cancelled) return;
    call.write({ payload: payloadOfSize(parameters.size ?? 0) });
  }
}

/** Ends a streaming call with OK or with `failure`, echoing the trailing metadata either way. */
function finish(call: ResponseWriter, failure: StatusError | undefined): void {
  if (call.cancelled) return;
  // grpc-js turns an 'error' event on a server stream into the call's status (with its metadata).
  if (failure) call.emit("error", failure);
  else call.end(echoTrailing(call.metadata));
}

async function streamingOutputCall(call: grpc.ServerWritableStream<Message, Message>): Promise<void> {
  const initial = echoInitial(call.metadata);
  if (initial) call.sendMetadata(initial);
  const failure = requestedFailure(call.request, echoTrailing(call.metadata));
  if (!failure) await writeResponses(call, call.request);
  finish(call, failure);
}

function streamingInputCall(call: grpc.ServerReadableStream<Message, Message>, callback: grpc.sendUnaryData<Message>): void {
  const initial = echoInitial(call.metadata);
  if (initial) call.sendMetadata(initial);
  const trailers = echoTrailing(call.metadata);
  let total = 0;
  let failure: StatusError | undefined;
  call.on("data", (request: Message) => {
    failure ??= requestedFailure(request, trailers);
    total += request.payload?.body?.length ?? 0;
  });
  call.on("end", () => (failure ? callback(failure) : callback(null, { aggregated_payload_size: total }, trailers)));
  // 'error' comes with a client cancel; grpc-js has already ended the call, nothing is left to send.
  call.on("error", () => undefined);
}

/**
 * FullDuplexCall answers each request as it arrives; HalfDuplexCall (`buffered`) reads them all first.
 * Requests are served strictly in order: each one waits for the previous one's responses.
 */
function duplexCall(buffered: boolean) {
  return (call: grpc.ServerDuplexStream<Message, Message>): void => {
    const initial = echoInitial(call.metadata);
    if (initial) call.sendMetadata(initial);
    const trailers = echoTrailing(call.metadata);
    const pending: Message[] = [];
    let chain = Promise.resolve();
    let done = false;
    const serve = (request: Message): Promise<void> =>
      (chain = chain.then(async () => {
        if (done) return;
        const failure = requestedFailure(request, trailers);
        if (failure) {
          done = true;
          return finish(call, failure);
        }
        await writeResponses(call, request);
      }));
    call.on("data", (request: Message) => (buffered ? pending.push(request) : void serve(request)));
    call.on("end", () => {
      for (const request of pending) void serve(request);
      void chain.then(() => {
        if (!done) finish(call, undefined);
      });
    });
    // 'error' comes with a client cancel; grpc-js has already ended the call, nothing is left to send.
    call.on("error", () => undefined);
  };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ["port", "use_tls", "tls_cert_file", "tls_key_file", "proto_root"]);
  const port = integerFlag(flags, "port", 0);
  const testing = await loadTestingPackage(flags.get("proto_root") || undefined);
  const server = new grpc.Server();
  server.addService(testing.TestService.service, {
    EmptyCall: (_call: unknown, callback: grpc.sendUnaryData<Message>) => callback(null, {}),
    UnaryCall: unaryCall,
    CacheableUnaryCall: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) =>
      callback(null, { payload: { type: "COMPRESSABLE", body: Buffer.from(String(process.hrtime.bigint())) } }),
    StreamingOutputCall: streamingOutputCall,
    StreamingInputCall: streamingInputCall,
    FullDuplexCall: duplexCall(false),
    HalfDuplexCall: duplexCall(true),
    // UnimplementedCall is left out on purpose: grpc-js answers it with UNIMPLEMENTED.
  });
  const credentials = booleanFlag(flags, "use_tls")
    ? grpc.ServerCredentials.createSsl(null, [
        {
          cert_chain: readFileSync(flags.get("tls_cert_file") || join(DEFAULT_CERTS_DIR, "server.pem")),
          private_key: readFileSync(flags.get("tls_key_file") || join(DEFAULT_CERTS_DIR, "server.key")),
        },
      ])
    : grpc.ServerCredentials.createInsecure();
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`0.0.0.0:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.stdout.write(`grpc-js interop server listening on port ${boundPort}\n`);
  const stop = (): void => server.tryShutdown(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`grpc-js interop server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
