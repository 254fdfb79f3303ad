import { DEFAULT_MAX_RECEIVE_BYTES } from "../framing/index.js";
import type { Method, MethodKind, Service } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";
import { webCall, type WebClientSetup, type WebMethod } from "./web-call.js";
import type { WebCallOptions, WebClientOptions } from "./web-client-options.js";
import { canCompress, defaultAcceptCompression, isWebCompression, type WebCompression } from "./web-compression.js";
import type { WebFormatCodecs } from "./web-format.js";
import { isWebProtocol } from "./web-protocol.js";

/** A unary method on the web client: one request, a promise of one response. */
export type UnaryWebFunction<I, O> = (request: I, options?: WebCallOptions) => Promise<O>;
/** A server-streaming method on the web client: one request, an async iterable of responses. */
export type ServerStreamingWebFunction<I, O> = (request: I, options?: WebCallOptions) => AsyncIterable<O>;
/** The function of a method whose kind is known only at run time: a promise for a unary method, an iterable for a server-streaming one. */
// biome-ignore lint/suspicious/noExplicitAny: the untyped escape hatch: a method known only at run time takes and returns whatever its codecs do
export type UntypedWebFunction = (request: any, options?: WebCallOptions) => any;

/** The web client function of method `M`: typed by its kind and message types. */
export type WebClientFunction<M> =
  M extends Method<infer _I, infer O, infer K, infer IInput, infer _OInput>
    ? [K] extends ["unary"]
      ? UnaryWebFunction<IInput, O>
      : [K] extends ["server_streaming"]
        ? ServerStreamingWebFunction<IInput, O>
        : UntypedWebFunction
    : UntypedWebFunction;

/**
 * One function per unary and server-streaming method of `S`, keyed by local name, with the same
 * signatures as the Node client's. Client-streaming and bidi methods are left out, so calling one
 * is a compile error: fetch cannot stream a request body in most browsers (a method whose kind is
 * known only at run time stays, untyped).
 */
// biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
export type WebClient<S extends Service<any> = Service> = {
  [L in keyof S["methods"] as S["methods"][L] extends Method<infer _I, infer _O, infer K>
    ? [K] extends ["client_streaming"] | ["bidi_streaming"]
      ? never
      : L
    : L]: WebClientFunction<S["methods"][L]>;
};

/** The options of a call made without any: shared, frozen. */
const NO_OPTIONS: WebCallOptions = Object.freeze({});

/**
 * Creates a browser client for `service`: one typed function per unary and server-streaming
 * method, speaking gRPC-Web or the Connect protocol over fetch to `options.baseUrl`. Unary returns
 * a promise, server streaming an AsyncIterable that calls when iteration starts; failures are
 * GrpcErrors with the status code, message, trailing metadata and details (grpc-status-details-bin
 * or Connect's error details, both as a serialized google.rpc.Status).
 *
 * Uses only fetch, WHATWG streams, AbortController and timers: it runs in browsers, workers, Deno
 * and Node alike. A misconfiguration (no baseUrl, an unknown protocol, no fetch) is a TypeError.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 * https://connectrpc.com/docs/protocol
 */
// biome-ignore lint/suspicious/noExplicitAny: any method map: typed services (Service<{ ... }>) and the untyped Service alike
export function createWebClient<S extends Service<any>>(service: S, options: WebClientOptions): WebClient<S> {
  const setup = setupOf(options);
  const client: Record<string, unknown> = {};
  for (const [localName, method] of Object.entries<Method>(service.methods)) {
    const kind: MethodKind = method.kind;
    if (kind !== "unary" && kind !== "server_streaming") continue;
    const webMethod: WebMethod = { method, codecs: setup.format?.codecsOf(service, method) ?? protobufCodecs(method) };
    if (kind === "unary")
      client[localName] = (request: unknown, callOptions?: WebCallOptions) => unaryWebCall(setup, webMethod, request, callOptions);
    else
      client[localName] = (request: unknown, callOptions: WebCallOptions = NO_OPTIONS) => webCall(setup, webMethod, request, callOptions);
  }
  return client as WebClient<S>;
}

/** A unary call: exactly one response, or UNIMPLEMENTED (statuscodes.md: a client receiving zero or several). */
async function unaryWebCall(
  setup: WebClientSetup,
  webMethod: WebMethod,
  request: unknown,
  options: WebCallOptions = NO_OPTIONS,
): Promise<unknown> {
  const method = webMethod.method;
  let count = 0;
  let response: unknown;
  for await (const message of webCall(setup, webMethod, request, options)) {
    if (++count > 1) throw new GrpcError(Code.Unimplemented, `web client: unary ${method.path} received more than one response message`);
    response = message;
  }
  if (count === 0) throw new GrpcError(Code.Unimplemented, `web client: unary ${method.path} ended without a response message`);
  return response;
}

/** The method's own codecs: protobuf binary (or whatever codecs the service was defined with). */
function protobufCodecs(method: Method): WebFormatCodecs {
  return {
    encodeRequest: (request) => method.requestCodec.encode(request),
    decodeResponse: (bytes) => method.responseCodec.decode(bytes),
  };
}

function setupOf(options: WebClientOptions): WebClientSetup {
  if (typeof options?.baseUrl !== "string")
    throw new TypeError('web client: options.baseUrl must be a string, such as "https://api.example.com"');
  const protocol = options.protocol ?? "grpc-web";
  if (!isWebProtocol(protocol))
    throw new TypeError(`web client: unknown protocol ${JSON.stringify(protocol)} (known: "grpc-web", "grpc-web-text", "connect")`);
  const fetchFunction = options.fetch ?? (typeof fetch === "function" ? fetch.bind(globalThis) : undefined);
  if (fetchFunction === undefined) throw new TypeError("web client: no global fetch here; pass options.fetch");
  const maxReceiveMessageBytes = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
  if (!(maxReceiveMessageBytes === Infinity || (Number.isInteger(maxReceiveMessageBytes) && maxReceiveMessageBytes >= 0)))
    throw new RangeError(`web client: maxReceiveMessageBytes must be a non-negative integer or Infinity, got ${maxReceiveMessageBytes}`);
  if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0))
    throw new RangeError(`web client: timeoutMs must be a non-negative number, got ${options.timeoutMs}`);
  const format = options.format;
  if (
    format !== undefined &&
    (typeof format !== "object" || format === null || typeof format.codecsOf !== "function" || format.name !== "json")
  )
    throw new TypeError("web client: options.format must be a format such as jsonFormat(), or absent for protobuf binary");
  const sendCompression = options.sendCompression === "identity" ? undefined : options.sendCompression;
  if (sendCompression !== undefined && !isWebCompression(sendCompression))
    throw new TypeError(`web client: unknown sendCompression ${JSON.stringify(sendCompression)} (known: "gzip", "deflate", "identity")`);
  if (sendCompression !== undefined && !canCompress())
    throw new TypeError("web client: sendCompression needs CompressionStream, which this platform does not have");
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    protocol,
    fetch: fetchFunction,
    metadata: options.metadata,
    timeoutMs: options.timeoutMs,
    maxReceiveMessageBytes,
    credentials: options.credentials ?? "same-origin",
    format,
    sendCompression,
    acceptCompression: acceptCompressionOf(options.acceptCompression),
  };
}

/** The compressions to accept: the option's, checked, or the platform's default. */
function acceptCompressionOf(option: readonly WebCompression[] | undefined): readonly WebCompression[] {
  if (option === undefined) return defaultAcceptCompression();
  if (!Array.isArray(option)) throw new TypeError('web client: acceptCompression must be an array such as ["gzip"]');
  const accepted: WebCompression[] = [];
  for (const name of option as readonly unknown[]) {
    if (!isWebCompression(name))
      throw new TypeError(`web client: unknown compression ${JSON.stringify(name)} in acceptCompression (known: "gzip", "deflate")`);
    if (!accepted.includes(name)) accepted.push(name);
  }
  if (accepted.length > 0 && typeof DecompressionStream !== "function")
    throw new TypeError("web client: acceptCompression needs DecompressionStream, which this platform does not have");
  return accepted;
}
