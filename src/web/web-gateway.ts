import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { HEADER_CONTENT_TYPE, type RequestHead } from "../http2/index.js";
import { type CallStream, type Http1Options, type HttpExchange, resolveHttp1Options } from "../http2/server/index.js";
import type { Method, Service } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { Logger } from "../trace/index.js";
import { decodeBase64Url } from "./base64-body.js";
import { ConnectStreamCallStream } from "./connect-stream-call-stream.js";
import { ConnectUnaryCallStream } from "./connect-unary-call-stream.js";
import { type CorsOptions, CorsPolicy } from "./cors.js";
import { GrpcWebCallStream } from "./grpc-web-call-stream.js";
import { type HttpHandler, runHttpHandler } from "./http-handler.js";
import { type JsonMappingFactory, JsonMethods } from "./json-method.js";
import type { RequestBody, WebCallStream } from "./web-call-stream.js";
import { ACCEPT_POST, CONNECT_PROTOCOL_VERSION } from "./web-header-names.js";
import { WEB_CONTENT_TYPES, type WebProtocol, connectUnaryProtocol, webProtocolFromContentType } from "./web-protocol.js";
import { WebRequestHead } from "./web-request-head.js";

/** Options of the web protocols (gRPC-Web, Connect) a server serves beside gRPC. */
export interface WebOptions {
  /** Cross-origin access for browser pages on other origins. Default: none (same-origin pages and non-browser clients). */
  cors?: CorsOptions | undefined;
  /**
   * Unary methods Connect may call with GET (a cacheable request with the message in the URL),
   * by :path, besides those whose .proto says `option idempotency_level = NO_SIDE_EFFECTS` (known
   * when the service has a schema). "all" allows every unary method. Default: only the latter.
   */
  getMethods?: readonly string[] | "all" | undefined;
  /**
   * Serves the requests that are not calls: pages, files (see `serveFiles`), any other HTTP, with
   * node's request and response objects over HTTP/1.1 and HTTP/2 (docs/WEB.md). It never sees a
   * gRPC, gRPC-Web or Connect call, nor a CORS preflight `cors` answers. A request is a call when
   * its content-type is gRPC-Web's or Connect streaming's; a Connect unary POST
   * (`application/json`, `application/proto`) or a GET is one when its path names a service the
   * server serves (`/pkg.Service/Method`), so `POST /api/login` with JSON reaches this handler.
   * Default: none, and such requests get a plain 404, 405 or 415 answer.
   */
  http?: HttpHandler | undefined;
  /** Timeouts of HTTP/1.1 connections (headers, whole request, keep-alive); see docs/WEB.md "Limits". */
  http1?: Http1Options | undefined;
}

/** What the server tells its gateway: where to log, and which paths are its calls. */
export interface WebGatewayContext {
  /** Where a failing `http` handler is reported. Default: nowhere. */
  logger?: Logger | undefined;
  /** Whether a :path belongs to a service the server serves. Default: every path does. */
  servesPath?: ((path: string) => boolean) | undefined;
}

/**
 * How the role layer serves a web call: route it, then run `adapt` on the method (it may swap
 * the codecs for JSON ones, or refuse the call with a GrpcError), then serve it like a gRPC call.
 */
export type WebCallServer = (stream: CallStream, adapt: MethodAdapter | undefined) => void;

/** Turns the routed method into the one a web call runs (JSON codecs), or throws the GrpcError that refuses the call. */
export type MethodAdapter = (method: Method, service: Service) => Method;

const TEXT_PLAIN = "text/plain; charset=utf-8";
const ALLOW = "allow";
const utf8 = new TextEncoder();

/**
 * The entry point of every request that is not gRPC: CORS preflights, gRPC-Web and the Connect
 * protocol, over HTTP/1.1 or HTTP/2. It reads the protocol from the content-type (or a Connect
 * GET's query), builds the call's CallStream and hands it to the server, which runs the same
 * handlers as for gRPC. Anything else goes to the `http` handler when there is one, else gets a
 * plain HTTP answer: 415 for an unknown content-type, 405 for another method.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 * https://connectrpc.com/docs/protocol
 */
export class WebGateway {
  private readonly serve: WebCallServer;
  private readonly cors: CorsPolicy | undefined;
  private readonly json: JsonMethods;
  private readonly getMethods: ReadonlySet<string> | "all";
  private readonly http: HttpHandler | undefined;
  private readonly logger: Logger | undefined;
  private readonly servesPath: (path: string) => boolean;

  constructor(options: WebOptions, serve: WebCallServer, json?: JsonMappingFactory, context: WebGatewayContext = {}) {
    this.serve = serve;
    if (options.http !== undefined && typeof options.http !== "function")
      throw new TypeError("web: http must be a function (request, response) => void, such as serveFiles(directory)");
    this.http = options.http;
    this.logger = context.logger;
    this.servesPath = context.servesPath ?? (() => true);
    this.cors = options.cors === undefined ? undefined : new CorsPolicy(options.cors);
    this.json = new JsonMethods(json);
    const get = options.getMethods ?? [];
    if (get !== "all" && !Array.isArray(get)) throw new TypeError('web: getMethods must be "all" or an array of method paths');
    this.getMethods = get === "all" ? "all" : new Set(get);
    // The listener applies them; checked here too, so a bad value is an error when the Server is made.
    if (options.http1 !== undefined) resolveHttp1Options(options.http1);
  }

  /** Serves one request (the listener's `web` hook). */
  readonly handle = (exchange: HttpExchange): void => {
    const headers = exchange.headers;
    const method = exchange.method;
    if (method === "OPTIONS") {
      this.preflight(exchange);
      return;
    }
    if (method === "POST") {
      const protocol = webProtocolFromContentType(headerText(headers, HEADER_CONTENT_TYPE));
      if (protocol === undefined || (protocol.wire === "connect-unary" && !this.isCallPath(exchange.url))) {
        if (this.http !== undefined) {
          runHttpHandler(this.http, exchange, this.logger);
          return;
        }
        const contentType = JSON.stringify(headerText(headers, HEADER_CONTENT_TYPE) ?? "");
        plainAnswer(
          exchange,
          415,
          { ...this.corsHeaders(exchange), [ACCEPT_POST]: WEB_CONTENT_TYPES },
          `web: content-type ${contentType} is not gRPC, gRPC-Web or Connect`,
        );
        return;
      }
      this.start(exchange, protocol, bodyOf(protocol, headers), pathOf(exchange.url), this.corsHeaders(exchange), undefined);
      return;
    }
    if (method === "GET" && this.isCallPath(exchange.url)) {
      this.get(exchange, this.corsHeaders(exchange));
      return;
    }
    // CONNECT asks for a tunnel, which no handler here can give.
    if (this.http !== undefined && method !== "CONNECT") {
      runHttpHandler(this.http, exchange, this.logger);
      return;
    }
    plainAnswer(
      exchange,
      405,
      { ...this.corsHeaders(exchange), [ALLOW]: "POST, GET, OPTIONS" },
      `web: method ${method} is not POST or GET`,
    );
  };

  /** Whether a Connect unary POST or a GET to `url` is a call: always without an `http` handler, else when its path is the server's. */
  private isCallPath(url: string): boolean {
    return this.http === undefined || this.servesPath(pathOf(url));
  }

  private corsHeaders(exchange: HttpExchange): OutgoingHttpHeaders {
    return this.cors?.responseHeaders(exchange.headers) ?? {};
  }

  private preflight(exchange: HttpExchange): void {
    const answer = this.cors?.preflightHeaders(exchange.headers);
    if (answer !== undefined) {
      exchange.respond(204, answer);
      exchange.end();
      return;
    }
    if (this.http !== undefined) {
      runHttpHandler(this.http, exchange, this.logger);
      return;
    }
    if (this.cors !== undefined && exchange.headers.origin !== undefined)
      plainAnswer(exchange, 403, {}, `web: origin ${JSON.stringify(exchange.headers.origin)} is not allowed (cors.allowedOrigins)`);
    else plainAnswer(exchange, 405, { [ALLOW]: "POST, GET" }, "web: OPTIONS is answered only to CORS preflights from allowed origins");
  }

  /** A Connect unary GET: ?connect=v1&encoding=proto|json&message=...[&base64=1][&compression=gzip]. */
  private get(exchange: HttpExchange, cors: OutgoingHttpHeaders): void {
    const url = exchange.url;
    const query = parseQuery(url.slice(url.indexOf("?") + 1));
    const encoding = textOf(query.get("encoding"));
    const protocol = connectUnaryProtocol(encoding ?? "") ?? connectUnaryProtocol("json")!;
    let error: GrpcError | undefined;
    let message: Uint8Array = new Uint8Array(0);
    const raw = query.get("message");
    if (!url.includes("?") || encoding === undefined)
      error = new GrpcError(Code.Internal, "web: a GET request must be a Connect unary call (?encoding=proto|json&message=...)");
    else if (connectUnaryProtocol(encoding) === undefined)
      error = new GrpcError(Code.Internal, `web: encoding ${JSON.stringify(encoding)} is not proto or json`);
    else if (textOf(query.get("connect")) !== undefined && textOf(query.get("connect")) !== "v1")
      error = new GrpcError(Code.Internal, `web: connect=${textOf(query.get("connect"))} is not v1`);
    else if (raw !== undefined) {
      try {
        message = textOf(query.get("base64")) === "1" ? decodeBase64Url(textOf(raw)!) : raw;
      } catch (caught) {
        error = GrpcError.from(caught, Code.Internal, "web: the message parameter is malformed");
      }
    }
    const compression = textOf(query.get("compression"));
    const encodingName = compression === undefined || compression === "identity" ? undefined : compression;
    const body: RequestBody = { kind: "query", message, compressed: encodingName !== undefined };
    this.start(exchange, protocol, body, pathOf(url), cors, error, { encoding: encodingName });
  }

  private start(
    exchange: HttpExchange,
    protocol: WebProtocol,
    body: RequestBody,
    path: string,
    cors: OutgoingHttpHeaders,
    error: GrpcError | undefined,
    query?: { encoding: string | undefined },
  ): void {
    let head: RequestHead;
    try {
      head = new WebRequestHead(protocol.wire, path, exchange.authority, exchange.headers, query);
    } catch (caught) {
      error ??= GrpcError.from(caught, Code.Internal, "web: malformed request headers");
      head = {
        path,
        authority: exchange.authority,
        metadata: undefined as never,
        timeoutMs: undefined,
        encoding: undefined,
        acceptEncoding: undefined,
      };
    }
    const stream = createStream(exchange, head, protocol, body, cors);
    const version = headerText(exchange.headers, CONNECT_PROTOCOL_VERSION);
    if (error === undefined && protocol.wire.startsWith("connect") && version !== undefined && version !== "1")
      error = new GrpcError(Code.Internal, `web: connect-protocol-version ${JSON.stringify(version)} is not 1`);
    if (error !== undefined) {
      stream.finish(error, undefined);
      return;
    }
    this.serve(stream, this.adapter(protocol, body.kind === "query"));
  }

  /** What a web call changes on the routed method: JSON codecs, and the checks of its wire. */
  private adapter(protocol: WebProtocol, isGet: boolean): MethodAdapter | undefined {
    const isJson = protocol.codec === "json";
    const unaryOnly = protocol.wire === "connect-unary";
    if (!isJson && !unaryOnly) return undefined;
    return (method, service) => {
      if (unaryOnly && method.kind !== "unary")
        throw new GrpcError(
          Code.Unimplemented,
          `web: ${method.path} is ${method.kind.replace("_", "-")}: Connect calls it with application/connect+proto or +json, not a unary request`,
        );
      if (isGet && !this.allowsGet(method, service))
        throw new GrpcError(
          Code.Unimplemented,
          `web: ${method.path} is not callable with GET (its .proto does not declare idempotency_level = NO_SIDE_EFFECTS, and the server's web.getMethods does not list it)`,
        );
      return isJson ? this.json.jsonMethod(method, service) : method;
    };
  }

  private allowsGet(method: Method, service: Service): boolean {
    if (this.getMethods === "all" || this.getMethods.has(method.path)) return true;
    return this.json.mappingOf(service)?.methodTypes(method.path)?.noSideEffects === true;
  }
}

function createStream(
  exchange: HttpExchange,
  head: RequestHead,
  protocol: WebProtocol,
  body: RequestBody,
  cors: OutgoingHttpHeaders,
): WebCallStream {
  switch (protocol.wire) {
    case "grpc-web":
    case "grpc-web-text":
      return new GrpcWebCallStream(exchange, head, protocol, body, cors);
    case "connect-unary":
      return new ConnectUnaryCallStream(exchange, head, protocol, body, cors);
    case "connect-stream":
      return new ConnectStreamCallStream(exchange, head, protocol, body, cors);
  }
}

function bodyOf(protocol: WebProtocol, headers: IncomingHttpHeaders): RequestBody {
  if (protocol.wire === "grpc-web-text") return { kind: "base64" };
  if (protocol.wire !== "connect-unary") return { kind: "frames" };
  const encoding = headerText(headers, "content-encoding");
  return { kind: "message", compressed: encoding !== undefined && encoding !== "identity" };
}

/** A short plain-text HTTP answer to a request that is not a call. */
function plainAnswer(exchange: HttpExchange, status: number, headers: OutgoingHttpHeaders, text: string): void {
  const body = utf8.encode(`${text}\n`);
  exchange.respond(status, { ...headers, [HEADER_CONTENT_TYPE]: TEXT_PLAIN, "content-length": body.length });
  exchange.end(body);
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

const latin1 = new TextDecoder("latin1");
const utf8Decoder = new TextDecoder();

/** The parameter as text (percent-decoded bytes read as UTF-8), or undefined. */
function textOf(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : utf8Decoder.decode(value);
}

/**
 * Parses a query string into bytes per parameter, percent-decoding byte by byte (a proto message
 * sent without base64 is arbitrary bytes, which URLSearchParams would mangle as UTF-8).
 */
export function parseQuery(query: string): Map<string, Uint8Array> {
  const params = new Map<string, Uint8Array>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const equals = part.indexOf("=");
    const name = latin1.decode(percentDecode(equals < 0 ? part : part.slice(0, equals)));
    params.set(name, percentDecode(equals < 0 ? "" : part.slice(equals + 1)));
  }
  return params;
}

function percentDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */ && i + 2 < text.length + 0 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b /* + */) out.push(0x20);
    else if (c < 0x80) out.push(c);
    else for (const byte of utf8.encode(text[i]!)) out.push(byte);
  }
  return Uint8Array.from(out);
}
