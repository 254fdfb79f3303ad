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
  method: Method,
  request: unknown,
  options: WebCallOptions,
): AsyncGenerator<unknown, void> {
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
    const message = method.requestCodec.encode(request);
    const streaming = method.kind === "server_streaming";
    const headers = requestHeaders(setup, options, deadline, streaming);
    const body = requestBody(setup.protocol, message, streaming);
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
    };
    const payloads =
      setup.protocol === "connect"
        ? streaming
          ? readConnectStreamResponse(response, context)
          : readConnectUnaryResponse(response, context)
        : readGrpcWebResponse(response, setup.protocol === "grpc-web-text", context);
    try {
      for await (const payload of payloads) yield method.responseCodec.decode(payload);
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

/** The request headers of a call: the protocol's own, the timeout, then the metadata. */
function requestHeaders(setup: WebClientSetup, options: WebCallOptions, deadline: Deadline | undefined, streaming: boolean): Headers {
  const headers = new Headers();
  if (setup.protocol === "connect") {
    headers.set("content-type", streaming ? "application/connect+proto" : "application/proto");
    headers.set("connect-protocol-version", "1");
    if (deadline !== undefined) {
      const ms = Math.ceil(remainingMs(deadline));
      if (ms <= MAX_CONNECT_TIMEOUT_MS) headers.set("connect-timeout-ms", String(Math.max(1, ms)));
    }
  } else {
    const contentType = setup.protocol === "grpc-web-text" ? "application/grpc-web-text+proto" : "application/grpc-web+proto";
    headers.set("content-type", contentType);
    headers.set("accept", contentType);
    headers.set("x-grpc-web", "1");
    headers.set("x-user-agent", "tsgrpc-web");
    if (deadline !== undefined) {
      const ms = remainingMs(deadline);
      if (ms !== Infinity) headers.set("grpc-timeout", formatTimeout(Math.max(1, ms)));
    }
  }
  if (setup.metadata !== undefined) metadataToWebHeaders(setup.metadata, headers);
  if (options.metadata !== undefined) metadataToWebHeaders(options.metadata, headers);
  return headers;
}

/** The request body: one envelope (base64 for grpc-web-text), or the bare message of a Connect unary call. */
function requestBody(protocol: WebProtocol, message: Uint8Array, streaming: boolean): Uint8Array | string {
  if (protocol === "connect") return streaming ? encodeEnvelope(0, message) : message;
  const envelope = encodeEnvelope(0, message);
  return protocol === "grpc-web-text" ? encodeBase64Body(envelope) : envelope;
}
