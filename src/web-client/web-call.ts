import { MAX_TIMER_MS, deadlineFromTimeout, earliest, formatTimeout, remainingMs, type Deadline } from "../deadline/index.js";
import type { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError, abortError, describeError } from "../status/index.js";
import { encodeBase64Body } from "./base64-body.js";
import { readConnectStreamResponse, readConnectUnaryResponse } from "./connect-response.js";
import { encodeEnvelope } from "./envelope.js";
import { readGrpcWebResponse } from "./grpc-web-response.js";
import { metadataToWebHeaders } from "./headers-metadata.js";
import type { ResponseContext } from "./response-context.js";
import type { FetchFunction, WebCallOptions } from "./web-client-options.js";
import { canCompress, compressMessage, isWebCompression, type WebCompression } from "./web-compression.js";
import type { WebFormat, WebFormatCodecs } from "./web-format.js";
import type { WebProtocol } from "./web-protocol.js";

/** What every call of one web client shares, resolved from its options once. */
export interface WebClientSetup {
  /** The base URL without a trailing "/". */
  readonly baseUrl: string;
  readonly protocol: WebProtocol;
  readonly fetch: FetchFunction;
  readonly metadata: Metadata | undefined;
  readonly timeoutMs: number | undefined;
  readonly maxReceiveMessageBytes: number;
  readonly credentials: "omit" | "same-origin" | "include";
  /** The message format other than protobuf binary, if any. */
  readonly format: WebFormat | undefined;
  /** The compression of requests, unless a call says otherwise; undefined for none. */
  readonly sendCompression: WebCompression | undefined;
  /** The compressions accepted for responses. */
  readonly acceptCompression: readonly WebCompression[];
}

/** A method as the web client calls it: its path and kind, and how its messages are written and read. */
export interface WebMethod {
  readonly method: Method;
  readonly codecs: WebFormatCodecs;
}

/** Connect's largest connect-timeout-ms: 10 digits. */
const MAX_CONNECT_TIMEOUT_MS = 9_999_999_999;

/**
 * Runs one call over fetch and yields its decoded responses: a unary call's one, a
 * server-streaming call's every one. Nothing is sent before the first `next()`.
 *
 * The call's own AbortController aborts the fetch, with a GrpcError as its reason, when the
 * caller's signal aborts (CANCELLED), at the deadline (DEADLINE_EXCEEDED), or when the consumer
 * leaves early (breaks out of its loop). Once it has aborted, that reason is the call's outcome,
 * whatever the network reports after. A fetch that fails otherwise is UNAVAILABLE.
 */
export async function* webCall(
  setup: WebClientSetup,
  { method, codecs }: WebMethod,
  request: unknown,
  options: WebCallOptions,
): AsyncGenerator<unknown, void> {
  const sendCompression = options.sendCompression ?? setup.sendCompression;
  if (!(sendCompression === undefined || sendCompression === "identity" || isWebCompression(sendCompression)))
    throw new TypeError(`web client: unknown sendCompression ${JSON.stringify(sendCompression)} (known: "gzip", "deflate", "identity")`);
  if (sendCompression !== undefined && sendCompression !== "identity" && !canCompress())
    throw new TypeError("web client: sendCompression needs CompressionStream, which this platform does not have");
  const deadline = earliest(
    options.deadline instanceof Date ? options.deadline.getTime() : options.deadline,
    options.timeoutMs === undefined ? undefined : deadlineFromTimeout(options.timeoutMs),
    setup.timeoutMs === undefined ? undefined : deadlineFromTimeout(setup.timeoutMs),
  );
  const controller = new AbortController();
  const signal = controller.signal;
  const callerSignal = options.signal;
  const onCallerAbort = (): void => controller.abort(abortError(callerSignal!));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armDeadline = (at: Deadline): void => {
    const left = remainingMs(at);
    if (left <= 0)
      controller.abort(new GrpcError(Code.DeadlineExceeded, `deadline: exceeded (deadline was ${new Date(at).toISOString()})`));
    // A browser fires a timer longer than 2^31-1 ms at once, so long waits are cut into steps.
    else if (left !== Infinity) timer = setTimeout(() => armDeadline(at), Math.min(Math.ceil(left), MAX_TIMER_MS));
  };
  let finished = false;
  try {
    if (callerSignal?.aborted) throw abortError(callerSignal);
    callerSignal?.addEventListener("abort", onCallerAbort);
    if (deadline !== undefined) armDeadline(deadline);
    if (signal.aborted) throw signal.reason as GrpcError;
    const encoded = encodeRequest(codecs, request, method.path);
    const compression = sendCompression === "identity" ? undefined : sendCompression;
    const message = compression === undefined ? encoded : await compressMessage(compression, encoded);
    if (signal.aborted) throw signal.reason as GrpcError;
    const streaming = method.kind === "server_streaming";
    const headers = requestHeaders(setup, options, deadline, streaming, compression);
    const body = requestBody(setup.protocol, message, streaming, compression !== undefined);
    let response: Response;
    try {
      response = await setup.fetch(`${setup.baseUrl}${method.path}`, {
        method: "POST",
        headers,
        body,
        signal,
        credentials: setup.credentials,
        redirect: "error",
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason as GrpcError;
      throw new GrpcError(Code.Unavailable, `web client: fetch of ${method.path} failed: ${describeError(error)}`, { cause: error });
    }
    const context: ResponseContext = {
      maxBytes: options.maxReceiveMessageBytes ?? setup.maxReceiveMessageBytes,
      signal,
      onHeaders: options.onHeaders,
      onTrailers: options.onTrailers,
      format: setup.format?.name ?? "proto",
      acceptCompression: setup.acceptCompression,
    };
    const payloads =
      setup.protocol === "connect"
        ? streaming
          ? readConnectStreamResponse(response, context)
          : readConnectUnaryResponse(response, context)
        : readGrpcWebResponse(response, setup.protocol === "grpc-web-text", context);
    try {
      for await (const payload of payloads) yield decodeResponse(codecs, payload, method.path);
    } catch (error) {
      if (signal.aborted) throw signal.reason as GrpcError;
      throw error;
    }
    finished = true;
  } finally {
    callerSignal?.removeEventListener("abort", onCallerAbort);
    if (timer !== undefined) clearTimeout(timer);
    // Stops the download when the consumer left before the end (a break, a throw in its loop).
    if (!finished && !signal.aborted)
      controller.abort(new GrpcError(Code.Cancelled, "cancelled: the caller stopped reading the responses"));
  }
}

/** The bytes of a request; a codec's failure is INTERNAL, naming the method. */
function encodeRequest(codecs: WebFormatCodecs, request: unknown, path: string): Uint8Array {
  try {
    return codecs.encodeRequest(request);
  } catch (error) {
    if (error instanceof GrpcError) throw error;
    throw new GrpcError(Code.Internal, `web client: the request of ${path} does not encode: ${describeError(error)}`, { cause: error });
  }
}

/** The message of a response; a codec's failure is INTERNAL, naming the method. */
function decodeResponse(codecs: WebFormatCodecs, payload: Uint8Array, path: string): unknown {
  try {
    return codecs.decodeResponse(payload);
  } catch (error) {
    if (error instanceof GrpcError) throw error;
    throw new GrpcError(Code.Internal, `web client: a response of ${path} does not decode: ${describeError(error)}`, { cause: error });
  }
}

/**
 * The request headers of a call: the protocol's own (content type in the client's format, the
 * timeout, the compression of the request and those accepted for the response), then the metadata.
 */
function requestHeaders(
  setup: WebClientSetup,
  options: WebCallOptions,
  deadline: Deadline | undefined,
  streaming: boolean,
  compression: WebCompression | undefined,
): Headers {
  const headers = new Headers();
  const format = setup.format?.name ?? "proto";
  const accepted = setup.acceptCompression.join(",");
  if (setup.protocol === "connect") {
    headers.set("content-type", streaming ? `application/connect+${format}` : `application/${format}`);
    headers.set("connect-protocol-version", "1");
    if (deadline !== undefined) {
      const ms = Math.ceil(remainingMs(deadline));
      if (ms <= MAX_CONNECT_TIMEOUT_MS) headers.set("connect-timeout-ms", String(Math.max(1, ms)));
    }
    // A unary response's compression is HTTP's (content-encoding), which fetch negotiates and
    // decodes itself: a page may not set accept-encoding.
    if (streaming) {
      if (compression !== undefined) headers.set("connect-content-encoding", compression);
      if (accepted !== "") headers.set("connect-accept-encoding", accepted);
    } else if (compression !== undefined) headers.set("content-encoding", compression);
  } else {
    const contentType = `${setup.protocol === "grpc-web-text" ? "application/grpc-web-text" : "application/grpc-web"}+${format}`;
    headers.set("content-type", contentType);
    headers.set("accept", contentType);
    headers.set("x-grpc-web", "1");
    headers.set("x-user-agent", "tsgrpc-web");
    if (deadline !== undefined) {
      const ms = remainingMs(deadline);
      if (ms !== Infinity) headers.set("grpc-timeout", formatTimeout(Math.max(1, ms)));
    }
    if (compression !== undefined) headers.set("grpc-encoding", compression);
    if (accepted !== "") headers.set("grpc-accept-encoding", accepted);
  }
  if (setup.metadata !== undefined) metadataToWebHeaders(setup.metadata, headers);
  if (options.metadata !== undefined) metadataToWebHeaders(options.metadata, headers);
  return headers;
}

/**
 * The request body: one envelope, flagged 0x01 when compressed (base64 for grpc-web-text), or the
 * bare message of a Connect unary call.
 */
function requestBody(protocol: WebProtocol, message: Uint8Array, streaming: boolean, compressed: boolean): Uint8Array | string {
  if (protocol === "connect" && !streaming) return message;
  const envelope = encodeEnvelope(compressed ? 1 : 0, message);
  return protocol === "grpc-web-text" ? encodeBase64Body(envelope) : envelope;
}
