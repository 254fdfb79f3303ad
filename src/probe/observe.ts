import type { IncomingHttpHeaders } from "node:http2";
import type { Exchange } from "./exchange.js";
import { splitMessages } from "./wire.js";

const RST_NAMES = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/** The HTTP/2 error code's name, e.g. `CANCEL(8)`. */
export function rstName(code: number): string {
  return `${RST_NAMES[code] ?? "UNKNOWN"}(${code})`;
}

/** One header value as a string (repeated fields joined with `, `), or undefined. */
export function headerValue(block: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const value = block?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** The block that carries the status: the trailers, or the headers of a Trailers-Only response. */
export function statusBlock(exchange: Exchange): IncomingHttpHeaders | undefined {
  return exchange.trailers ?? (exchange.trailersOnly ? exchange.headers : undefined);
}

/** The grpc-status the server sent (from trailers or Trailers-Only), or undefined when none came or it is not a decimal. */
export function grpcStatus(exchange: Exchange): number | undefined {
  const value = headerValue(statusBlock(exchange), "grpc-status") ?? headerValue(exchange.headers, "grpc-status");
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The raw grpc-message the server sent, or undefined. */
export function grpcMessage(exchange: Exchange): string | undefined {
  return headerValue(statusBlock(exchange), "grpc-message") ?? headerValue(exchange.headers, "grpc-message");
}

function quote(value: string, max = 80): string {
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 4)}..."` : text;
}

/** What the server did, in one line: `:status`, content-type, framing, grpc-status/-message, messages, reset, timeout. */
export function describeExchange(exchange: Exchange): string {
  const parts: string[] = [];
  if (exchange.error !== undefined && exchange.headers === undefined) parts.push(`local error: ${exchange.error}`);
  for (const block of exchange.informational) parts.push(`:status ${block[":status"]} (informational)`);
  if (exchange.headers !== undefined) {
    parts.push(`:status ${exchange.headers[":status"]}`);
    const contentType = headerValue(exchange.headers, "content-type");
    parts.push(contentType === undefined ? "no content-type" : `content-type ${contentType}`);
    if (exchange.trailersOnly) parts.push("Trailers-Only");
  } else if (exchange.error === undefined) parts.push("no response headers");
  const { messages, rest } = splitMessages(exchange.body);
  if (exchange.body.length > 0) {
    const contentType = headerValue(exchange.headers, "content-type") ?? "";
    if (contentType.startsWith("application/grpc")) parts.push(`${messages.length} message(s)${rest > 0 ? ` + ${rest} stray bytes` : ""}`);
    else parts.push(`body ${quote(exchange.body.toString("latin1"), 60)}`);
  }
  const status = headerValue(statusBlock(exchange), "grpc-status") ?? headerValue(exchange.headers, "grpc-status");
  if (status !== undefined) parts.push(`grpc-status ${status}`);
  const message = grpcMessage(exchange);
  if (message !== undefined) parts.push(`grpc-message ${quote(message)}`);
  if (exchange.headers !== undefined && !exchange.trailersOnly && exchange.trailers === undefined && !exchange.timedOut)
    parts.push("no trailers");
  if (exchange.rstCode !== undefined && exchange.rstCode !== 0) parts.push(`RST_STREAM ${rstName(exchange.rstCode)}`);
  if (exchange.rstCode === 0 && exchange.trailers === undefined && !exchange.trailersOnly) parts.push("stream closed without trailers");
  if (exchange.goaway !== undefined) parts.push(`GOAWAY ${rstName(exchange.goaway.code)} last-stream-id ${exchange.goaway.lastStreamId}`);
  if (exchange.timedOut) parts.push(`still open after ${exchange.elapsedMs} ms`);
  return parts.join(", ");
}

/** The `:status` of a header block as a number (node:http2 hands it over as a number, typed as a header), or undefined. */
export function httpStatus(block: IncomingHttpHeaders | undefined): number | undefined {
  const value = block?.[":status"] as unknown;
  return value === undefined ? undefined : Number(value);
}
