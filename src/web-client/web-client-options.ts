import type { Metadata } from "../metadata/index.js";
import type { WebCompression } from "./web-compression.js";
import type { WebFormat } from "./web-format.js";
import type { WebProtocol } from "./web-protocol.js";

/** The fetch the client calls: the global one by default; any function of this shape (a wrapper adding auth, a test double). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of createWebClient. Only `baseUrl` is required. */
export interface WebClientOptions {
  /**
   * Where the server is: "https://api.example.com", or a path on the page's own origin ("/api").
   * A method's path ("/pkg.Service/Method") is appended to it.
   */
  baseUrl: string;
  /** The protocol, "grpc-web" (default), "grpc-web-text" or "connect". */
  protocol?: WebProtocol | undefined;
  /** The fetch to call; default: the global fetch. */
  fetch?: FetchFunction | undefined;
  /** Metadata sent with every call, before the call's own. */
  metadata?: Metadata | undefined;
  /** Time budget of every call in ms, unless the call sets a shorter one; default: none. */
  timeoutMs?: number | undefined;
  /** Receive limit per message in bytes; default 4 MiB, as gRPC's. */
  maxReceiveMessageBytes?: number | undefined;
  /** Whether the browser sends cookies and HTTP auth (fetch's `credentials`); default "same-origin". */
  credentials?: "omit" | "same-origin" | "include" | undefined;
  /**
   * The messages' format: protobuf binary when absent (the default), `jsonFormat()` for proto3
   * JSON (`application/grpc-web+json`, Connect's `application/json`), which needs the service's
   * schema (generated code has it).
   */
  format?: WebFormat | undefined;
  /**
   * Compresses every request message (`grpc-encoding`, Connect's `content-encoding` or
   * `connect-content-encoding`); default none. Needs CompressionStream (browsers since 2023, Node 18).
   */
  sendCompression?: WebCompression | "identity" | undefined;
  /**
   * The compressions offered for response messages (`grpc-accept-encoding`,
   * `connect-accept-encoding`); default ["gzip", "deflate"] where DecompressionStream exists, []
   * elsewhere. Connect unary responses use HTTP's content-encoding, which fetch handles itself.
   */
  acceptCompression?: readonly WebCompression[] | undefined;
}

/**
 * Options of one call, as the Node client's CallOptions for the parts a browser can do. Every
 * field is optional; an expired deadline or an aborted signal is a GrpcError where the result goes.
 */
export interface WebCallOptions {
  /** Time budget in ms from now; combined with `deadline` and the client's, the earliest wins. */
  timeoutMs?: number | undefined;
  /** Absolute deadline (epoch ms or a Date). */
  deadline?: number | Date | undefined;
  /** Cancels the call (status CANCELLED, or the reason when it is a GrpcError); the fetch is aborted. */
  signal?: AbortSignal | undefined;
  /** Request metadata, after the client's. */
  metadata?: Metadata | undefined;
  /** Receives the response headers (metadata) when they arrive. */
  onHeaders?: ((metadata: Metadata) => void) | undefined;
  /** Receives the trailing metadata when the call ends (also on error). */
  onTrailers?: ((metadata: Metadata) => void) | undefined;
  /** Receive limit of this call's messages; default: the client's. */
  maxReceiveMessageBytes?: number | undefined;
  /** Compression of this call's request ("identity" for none); default: the client's `sendCompression`. */
  sendCompression?: WebCompression | "identity" | undefined;
}
