import { formatValue, toJsonValue } from "./format-value.js";
import type { TraceEvent } from "./trace-event.js";

/** Options of formatTraceText. */
export interface TextFormatOptions {
  /** ANSI colours (only for a terminal; see createTraceWriter). Default false. */
  color?: boolean | undefined;
}

const RESET = "\u001b[0m";
const DIM = "\u001b[2m";
const RED = "\u001b[31m";
const GREEN = "\u001b[32m";
const YELLOW = "\u001b[33m";
const CYAN = "\u001b[36m";

/** Indentation of an event's detail lines (headers, decoded messages, status details). */
const DETAIL_INDENT = "      ";

/** The one-line summary of an event, without who and when (what a logger gets for a connection event). */
export function describeTraceEvent(event: TraceEvent): string {
  return describe(event)[0];
}

/**
 * One event as text for a terminal: a line "who, +time, layer, what", then its details (a header
 * block one field a line, the decoded message, the status details) indented below it. `>` is
 * what this side sent, `<` what it received.
 */
export function formatTraceText(event: TraceEvent, options: TextFormatOptions = {}): string {
  const color = options.color === true;
  const who =
    event.call !== undefined
      ? `${event.side} #${event.call}`
      : event.connection !== undefined
        ? `${event.side} conn ${event.connection}`
        : `${event.side} channel`;
  const time = `+${event.time.toFixed(3)}ms`;
  const [summary, details, tone] = describe(event);
  const paint = (text: string, code: string): string => (color ? `${code}${text}${RESET}` : text);
  const head = `${paint(who.padEnd(12), DIM)} ${paint(time.padStart(11), DIM)}  ${event.layer.padEnd(10)} ${tone === undefined ? summary : paint(summary, tone)}`;
  if (details.length === 0) return head;
  return `${head}\n${details.map((line) => `${DETAIL_INDENT}${color ? paint(line, DIM) : line}`).join("\n")}`;
}

type Description = [summary: string, details: string[], tone: string | undefined];

function describe(event: TraceEvent): Description {
  const data = event.data as Record<string, unknown>;
  switch (event.name) {
    case "start": {
      const kind = data.kind === undefined ? "" : ` (${String(data.kind)})`;
      const peer = data.peer === undefined ? "" : ` from ${String(data.peer)} on connection ${String(data.connection)}`;
      const deadline = data.timeoutMs === undefined ? "" : `, deadline in ${String(data.timeoutMs)} ms`;
      if (data.protocol !== undefined)
        return [
          `start ${event.method ?? ""} (${String(data.protocol)} over HTTP/${String(data.http)}) from ${String(data.peer)}`,
          [],
          undefined,
        ];
      return [`start ${event.method ?? ""}${kind}${peer}${deadline}`, [], undefined];
    }
    case "end":
      return describeEnd(data);
    case "pick":
      return [
        `picked connection ${String(data.connection)} to ${String(data.address)}${data.waited === true ? " (waited for it)" : ""}`,
        [],
        undefined,
      ];
    case "resolve":
      return [`resolved ${String(data.target)} to ${(data.addresses as string[]).join(", ") || "(no address)"}`, [], undefined];
    case "resolve-failed":
      return [`resolving ${String(data.target)} failed: ${String(data.error)}`, [], RED];
    case "connecting":
      return [
        `connecting to ${String(data.address)} (${data.tls === true ? `TLS, server name ${String(data.serverName)}` : "h2c, plaintext"})`,
        [],
        undefined,
      ];
    case "tls":
      return [`TLS ${String(data.protocol)}, ALPN ${String(data.alpn)}, cipher ${String(data.cipher)}`, [], undefined];
    case "accepted":
      return [
        `accepted from ${String(data.peer)}${data.alpn === undefined ? " (h2c)" : ` (TLS, ALPN ${String(data.alpn)})`}`,
        [],
        undefined,
      ];
    case "settings-received":
      return [`< SETTINGS ${settingsText(data.settings)}`, [], CYAN];
    case "connected":
      return ["ready (the server's SETTINGS arrived)", [], GREEN];
    case "connect-failed":
      return [`connection failed: ${String(data.error)}`, [], RED];
    case "goaway-received":
    case "goaway-sent": {
      const arrow = event.name === "goaway-sent" ? ">" : "<";
      const debug = data.debug === undefined || data.debug === "" ? "" : `, debug data ${JSON.stringify(data.debug)}`;
      return [
        `${arrow} GOAWAY ${String(data.codeName)} (${String(data.code)}), last stream ${String(data.lastStreamId)}${debug}`,
        [],
        YELLOW,
      ];
    }
    case "keepalive-timeout":
      return [`keepalive: no PING ack within ${String(data.timeoutMs)} ms, closing`, [], RED];
    case "closed":
      return [`connection closed${data.reason === undefined ? "" : `: ${String(data.reason)}`}`, [], undefined];
    case "headers-sent":
    case "headers-received":
    case "trailers-sent":
    case "trailers-received": {
      const sent = event.name.endsWith("-sent");
      const trailers = event.name.startsWith("trailers");
      const what = trailers
        ? data.trailersOnly === true
          ? "HEADERS+END_STREAM (trailers-only)"
          : "HEADERS+END_STREAM (trailers)"
        : "HEADERS";
      const stream =
        data.stream === undefined ? (data.http === undefined ? "" : ` HTTP/${String(data.http)}`) : ` stream ${String(data.stream)}`;
      return [`${sent ? ">" : "<"} ${what}${stream}`, headerLines(data.headers), sent ? GREEN : CYAN];
    }
    case "rst-sent":
    case "rst-received": {
      const sent = event.name === "rst-sent";
      const reason = data.reason === undefined ? "" : `: ${String(data.reason)}`;
      return [`${sent ? ">" : "<"} RST_STREAM ${String(data.codeName)} (${String(data.code)})${reason}`, [], YELLOW];
    }
    case "message-sent":
    case "message-received": {
      const sent = event.name === "message-sent";
      const summary = `${sent ? ">" : "<"} message ${String(data.index)}: flag ${String(data.flag)}, ${String(data.length)} bytes, ${String(data.encoding)}${data.hex === "" ? "" : `, ${String(data.hex)}`}`;
      return [summary, "decoded" in data ? [formatValue(data.decoded)] : [], sent ? GREEN : CYAN];
    }
    case "web-trailers-sent":
      return [
        `> gRPC-Web trailers frame: flag 0x${Number(data.flag).toString(16)}, ${String(data.length)} bytes`,
        [...(data.lines as string[])],
        GREEN,
      ];
    case "web-end-stream-sent":
      return [`> Connect end-stream: flag 0x${Number(data.flag).toString(16)}, ${String(data.length)} bytes`, [String(data.json)], GREEN];
    case "web-error-sent":
      return [`> Connect error: HTTP ${String(data.httpStatus)}`, [String(data.json)], GREEN];
    case "cut-off":
      return [`exchange cut off before the response ended (HTTP/${String(data.http)})`, [], YELLOW];
    case "attempt-start":
    case "attempt-end":
    case "retry-delay":
    case "retry-stop":
    case "retry-transparent":
    case "commit":
      return describeAttempt(event.name, data);
    default:
      return [`${event.name} ${JSON.stringify(toJsonValue(data))}`, [], undefined];
  }
}

/** The events of a call's attempts (gRFC A6 retries, hedging, transparent retries). */
function describeAttempt(name: string, data: Record<string, unknown>): Description {
  const attempt = `attempt ${String(data.attempt)}`;
  switch (name) {
    case "attempt-start": {
      const kind = data.transparent === true ? " (transparent retry)" : data.hedge === true ? " (hedge)" : "";
      return [`${attempt} start${kind}, grpc-previous-rpc-attempts ${String(data.previousRpcAttempts)}`, [], undefined];
    }
    case "attempt-end":
      return data.code === 0
        ? [`${attempt} end OK`, [], GREEN]
        : [`${attempt} end ${String(data.codeName)} (${String(data.code)}): ${String(data.message)}`, [], YELLOW];
    case "retry-delay":
      return [
        `${attempt} failed: next attempt in ${String(data.delayMs)} ms (${data.pushback === true ? "server pushback" : "backoff"})`,
        [],
        YELLOW,
      ];
    case "retry-stop":
      return [`${attempt} failed: no more attempts (${String(data.reason)})`, [], YELLOW];
    case "retry-transparent":
      return [
        `${attempt} never reached the server's application (${data.sent === true ? "refused" : "not sent"}): transparent retry`,
        [],
        YELLOW,
      ];
    default:
      return [`committed to ${attempt}`, [], undefined];
  }
}

function describeEnd(data: Record<string, unknown>): Description {
  if (data.code === 0) return ["end OK", [], GREEN];
  const details: string[] = [];
  if (data.endedBy !== undefined) details.push(`ended by: ${String(data.endedBy)}`);
  const status = data.details as { code: number; message: string; details: { typeUrl: string; value: Uint8Array }[] } | undefined;
  if (status !== undefined) {
    details.push(`details: google.rpc.Status code ${status.code}, message ${JSON.stringify(status.message)}`);
    for (const detail of status.details) details.push(`  ${detail.typeUrl} ${formatValue(detail.value)}`);
  }
  return [`end ${String(data.codeName)} (${String(data.code)}): ${String(data.message)}`, details, RED];
}

function headerLines(headers: unknown): string[] {
  if (headers === null || typeof headers !== "object") return [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(one)}`);
  }
  return lines;
}

function settingsText(settings: unknown): string {
  if (settings === null || typeof settings !== "object") return "";
  return Object.entries(settings as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(" ");
}
