import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import {
  ACCESS_CONTROL_ALLOW_CREDENTIALS,
  ACCESS_CONTROL_ALLOW_HEADERS,
  ACCESS_CONTROL_ALLOW_METHODS,
  ACCESS_CONTROL_ALLOW_ORIGIN,
  ACCESS_CONTROL_EXPOSE_HEADERS,
  ACCESS_CONTROL_MAX_AGE,
  ACCESS_CONTROL_REQUEST_METHOD,
  ORIGIN,
  VARY,
} from "./web-header-names.js";

/**
 * Cross-origin access for browser pages served from other origins (CORS): which origins may
 * call, and which extra headers their requests may carry and their scripts may read.
 */
export interface CorsOptions {
  /**
   * The origins allowed to call ("https://app.example.com", scheme, host and port exactly as the
   * browser sends them in `origin`), "*" for any, or a function deciding per origin.
   */
  allowedOrigins: readonly string[] | "*" | ((origin: string) => boolean);
  /** Custom request metadata keys a page may send (the protocol headers are always allowed). */
  allowedHeaders?: readonly string[] | undefined;
  /**
   * Custom response metadata and trailers a page may read (grpc-status, grpc-message,
   * grpc-status-details-bin and the protocol headers are always exposed). For Connect unary
   * trailers, list them with their `trailer-` prefix.
   */
  exposedHeaders?: readonly string[] | undefined;
  /** Allow cookies and HTTP authentication (`access-control-allow-credentials`). Default false. */
  allowCredentials?: boolean | undefined;
  /** How long a browser may cache a preflight answer, in seconds. Default 7200. */
  maxAgeSeconds?: number | undefined;
}

/** The request headers the web protocols use, allowed on every cross-origin request. */
const PROTOCOL_REQUEST_HEADERS = [
  "content-type",
  "x-grpc-web",
  "x-user-agent",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "connect-protocol-version",
  "connect-timeout-ms",
  "connect-content-encoding",
  "connect-accept-encoding",
];

/** The response headers the web protocols use, readable by every allowed page. */
const PROTOCOL_RESPONSE_HEADERS = [
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-encoding",
  "grpc-accept-encoding",
  "connect-content-encoding",
  "connect-accept-encoding",
  "content-encoding",
];

const METHODS = "POST, GET";

/** CorsOptions turned into the headers they produce: built once per server. */
export class CorsPolicy {
  private readonly allowed: (origin: string) => boolean;
  private readonly anyOrigin: boolean;
  private readonly credentials: boolean;
  private readonly allowHeaders: string;
  private readonly exposeHeaders: string;
  private readonly maxAge: string;

  constructor(options: CorsOptions) {
    const origins = options.allowedOrigins;
    if (origins !== "*" && typeof origins !== "function" && !Array.isArray(origins))
      throw new TypeError('web: cors.allowedOrigins must be "*", an array of origins or a function');
    this.anyOrigin = origins === "*";
    const set = Array.isArray(origins) ? new Set<string>(origins) : undefined;
    this.allowed = typeof origins === "function" ? origins : set !== undefined ? (origin) => set.has(origin) : () => true;
    this.credentials = options.allowCredentials ?? false;
    this.allowHeaders = [...PROTOCOL_REQUEST_HEADERS, ...(options.allowedHeaders ?? []).map((name) => name.toLowerCase())].join(", ");
    this.exposeHeaders = [...PROTOCOL_RESPONSE_HEADERS, ...(options.exposedHeaders ?? []).map((name) => name.toLowerCase())].join(", ");
    const maxAge = options.maxAgeSeconds ?? 7200;
    if (!Number.isInteger(maxAge) || maxAge < 0) throw new RangeError(`web: cors.maxAgeSeconds must be a whole number >= 0, not ${maxAge}`);
    this.maxAge = String(maxAge);
  }

  /**
   * The CORS headers of an actual response to a request from `origin` (the request's `origin`
   * header); empty when there is no origin or it is not allowed (the browser then hides the response).
   */
  responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
    const origin = headers[ORIGIN];
    if (typeof origin !== "string" || !this.allowed(origin)) return {};
    const response: OutgoingHttpHeaders = {
      [ACCESS_CONTROL_ALLOW_ORIGIN]: this.anyOrigin && !this.credentials ? "*" : origin,
      [ACCESS_CONTROL_EXPOSE_HEADERS]: this.exposeHeaders,
    };
    if (!this.anyOrigin || this.credentials) response[VARY] = ORIGIN;
    if (this.credentials) response[ACCESS_CONTROL_ALLOW_CREDENTIALS] = "true";
    return response;
  }

  /**
   * The answer to a preflight (OPTIONS with access-control-request-method): the allowed
   * origin, methods and headers, or undefined when the origin is not allowed.
   * https://fetch.spec.whatwg.org/#http-cors-protocol
   */
  preflightHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders | undefined {
    const origin = headers[ORIGIN];
    if (typeof origin !== "string" || headers[ACCESS_CONTROL_REQUEST_METHOD] === undefined || !this.allowed(origin)) return undefined;
    const response: OutgoingHttpHeaders = {
      [ACCESS_CONTROL_ALLOW_ORIGIN]: this.anyOrigin && !this.credentials ? "*" : origin,
      [ACCESS_CONTROL_ALLOW_METHODS]: METHODS,
      [ACCESS_CONTROL_ALLOW_HEADERS]: this.allowHeaders,
      [ACCESS_CONTROL_MAX_AGE]: this.maxAge,
    };
    if (!this.anyOrigin || this.credentials) response[VARY] = ORIGIN;
    if (this.credentials) response[ACCESS_CONTROL_ALLOW_CREDENTIALS] = "true";
    return response;
  }
}
