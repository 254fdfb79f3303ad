import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { codeName } from "../status/index.js";
import type { SpecSource } from "./check.js";
import type { ClientCheck } from "./client-check.js";
import { expectCode, expectFailure } from "./client-outcome.js";
import { rstName } from "./observe.js";
import { lengthPrefixed } from "./wire.js";

const PROTOCOL = "PROTOCOL-HTTP2.md";
const MAPPING = "http-grpc-status-mapping.md";
const STATUS_CODES = "statuscodes.md";
const STATUS_TABLE = "Status codes and their use in gRPC";

/** The status table's row for a unary response with other than one message. */
const CARDINALITY_VIOLATION: SpecSource = {
  document: STATUS_CODES,
  section: STATUS_TABLE,
  quote:
    "Response cardinality violation (method requires exactly one response but server sent some other number of responses) | UNIMPLEMENTED | Client",
};
/** An empty grpc.testing.SimpleResponse: a valid answer to UnaryCall. */
const EMPTY_RESPONSE = lengthPrefixed(Buffer.alloc(0));
const GRPC = { ":status": 200, "content-type": "application/grpc" };

/** Responds with `headers`, then `body` (DATA), then `trailers` (none: the body ends the stream). */
function answer(stream: ServerHttp2Stream, headers: OutgoingHttpHeaders, body: readonly Buffer[], trailers?: OutgoingHttpHeaders): void {
  stream.resume();
  // 'error' is always followed by 'close'; a client that resets its call is not the probe's failure.
  stream.on("error", () => {});
  if (trailers === undefined) {
    stream.respond(headers);
    stream.end(Buffer.concat(body));
    return;
  }
  stream.respond(headers, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers(trailers));
  stream.end(Buffer.concat(body));
}

/** A valid response: one empty SimpleResponse, grpc-status 0. */
function answerOk(stream: ServerHttp2Stream): void {
  answer(stream, GRPC, [EMPTY_RESPONSE], { "grpc-status": "0" });
}

const SYNTHESIZE: SpecSource = {
  document: MAPPING,
  section: "HTTP to gRPC Status Code Mapping",
  quote: "This table is to be used only for clients that received a response that did not include grpc-status.",
};

/** An HTTP error page from a proxy: status, text/html body, no grpc-status. */
function httpStatusCheck(status: number, reason: string, expected: number): ClientCheck {
  return {
    id: `http-status/${status}`,
    title: `HTTP ${status} ${reason} with a text/html page, no grpc-status: ${codeName(expected)}`,
    requirement: "MUST",
    source: { ...SYNTHESIZE, quote: `| ${status} ${reason} | ${codeName(expected)} |` },
    respond: (stream) =>
      answer(stream, { ":status": status, "content-type": "text/html; charset=utf-8" }, [
        Buffer.from(`<html><body><h1>${status} ${reason}</h1></body></html>\n`),
      ]),
    judge: (outcome) => expectCode(outcome, [expected]),
  };
}

/** A status message sent percent-encoded as `raw`: the client must report grpc-status 2 and pass `check` on the message. */
function messageCheck(
  id: string,
  title: string,
  raw: string,
  check: (message: string) => string | undefined,
  source: SpecSource,
): ClientCheck {
  return {
    id,
    title,
    requirement: "MUST",
    source,
    respond: (stream) => answer(stream, GRPC, [], { "grpc-status": "2", "grpc-message": raw }),
    judge: (outcome) => expectCode(outcome, [2], { message: check }),
  };
}

const INVALID_MESSAGE: SpecSource = {
  document: PROTOCOL,
  section: "Responses",
  quote: "When decoding invalid values, implementations MUST NOT error or throw away the message.",
};

const RST_MAPPING: readonly [number, number][] = [
  [constants.NGHTTP2_NO_ERROR, 13],
  [constants.NGHTTP2_PROTOCOL_ERROR, 13],
  [constants.NGHTTP2_INTERNAL_ERROR, 13],
  [constants.NGHTTP2_FLOW_CONTROL_ERROR, 13],
  [constants.NGHTTP2_REFUSED_STREAM, 14],
  [constants.NGHTTP2_CANCEL, 1],
  [constants.NGHTTP2_ENHANCE_YOUR_CALM, 8],
  [constants.NGHTTP2_INADEQUATE_SECURITY, 7],
];

function rstCheck(rstCode: number, expected: number): ClientCheck {
  const refused = rstCode === constants.NGHTTP2_REFUSED_STREAM;
  return {
    id: `rst-stream/${rstName(rstCode)
      .replace(/\(\d+\)$/, "")
      .toLowerCase()
      .replaceAll("_", "-")}`,
    title: `RST_STREAM ${rstName(rstCode)} instead of a response: ${codeName(expected)}${refused ? " (or a transparent retry)" : ""}`,
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: "Errors",
      quote: `The following mapping from RST_STREAM error codes to GRPC error codes is applied. ${rstName(rstCode).replace(/\(\d+\)$/, "")} → ${codeName(expected)}`,
    },
    respond: (stream, _headers, context) => {
      if (refused && context.attempt > 1) return answerOk(stream);
      stream.resume();
      stream.close(rstCode);
    },
    judge: (outcome) => expectCode(outcome, [expected], { retryMayHide: refused }),
  };
}

/** Every check of `tsgrpc probe client`, in report order. */
export const CLIENT_CHECKS: readonly ClientCheck[] = [
  {
    id: "baseline/ok",
    title: "a valid response (one empty SimpleResponse, grpc-status 0): OK",
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: "Responses",
      quote: "Response → (Response-Headers *Length-Prefixed-Message Trailers) / Trailers-Only",
    },
    respond: (stream) => answerOk(stream),
    judge: (outcome) => expectCode(outcome, [0]),
  },
  httpStatusCheck(400, "Bad Request", 13),
  httpStatusCheck(401, "Unauthorized", 16),
  httpStatusCheck(403, "Forbidden", 7),
  httpStatusCheck(404, "Not Found", 12),
  httpStatusCheck(429, "Too Many Requests", 14),
  httpStatusCheck(431, "Request Header Fields Too Large", 13),
  httpStatusCheck(500, "Internal Server Error", 2),
  httpStatusCheck(502, "Bad Gateway", 14),
  httpStatusCheck(503, "Service Unavailable", 14),
  httpStatusCheck(504, "Gateway Timeout", 14),
  {
    id: "http-status/200-text-html",
    title: "HTTP 200 with a text/html page (a proxy's), no grpc-status: UNKNOWN",
    requirement: "MUST",
    source: {
      document: MAPPING,
      section: "HTTP to gRPC Status Code Mapping",
      quote: "200 is UNKNOWN because there should be a grpc-status in case of truly OK response.",
    },
    respond: (stream) =>
      answer(stream, { ":status": 200, "content-type": "text/html" }, [Buffer.from("<html><body>Welcome</body></html>\n")]),
    judge: (outcome) => expectCode(outcome, [2]),
  },
  {
    id: "http-status/200-no-grpc-status",
    title: "HTTP 200 application/grpc, a message, trailers without grpc-status: UNKNOWN",
    requirement: "MUST",
    source: {
      document: MAPPING,
      section: "HTTP to gRPC Status Code Mapping",
      quote: "200 is UNKNOWN because there should be a grpc-status in case of truly OK response.",
    },
    respond: (stream) => answer(stream, GRPC, [EMPTY_RESPONSE], { "x-probe": "no status here" }),
    judge: (outcome) => expectCode(outcome, [2]),
  },
  {
    id: "http-status/1xx-informational",
    title: "a 103 informational header block before a valid response: skipped, OK",
    requirement: "MUST",
    source: {
      document: MAPPING,
      section: "HTTP to gRPC Status Code Mapping",
      quote: "Technically, 1xx should have the entire header skipped and a subsequent header be read.",
    },
    respond: (stream) => {
      stream.additionalHeaders({ ":status": 103, link: "</style.css>; rel=preload" });
      answerOk(stream);
    },
    judge: (outcome) => expectCode(outcome, [0]),
  },
  {
    id: "status/unparsable-grpc-status",
    title: "grpc-status 'abc': UNKNOWN",
    requirement: "MUST",
    source: { document: STATUS_CODES, section: STATUS_TABLE, quote: "Error parsing returned status | UNKNOWN | Client" },
    respond: (stream) => answer(stream, GRPC, [EMPTY_RESPONSE], { "grpc-status": "abc" }),
    judge: (outcome) => expectCode(outcome, [2]),
  },
  {
    id: "status/trailers-only",
    title: "Trailers-Only (one HEADERS frame with END_STREAM) carrying NOT_FOUND: NOT_FOUND and its message",
    requirement: "MUST",
    source: { document: PROTOCOL, section: "Responses", quote: "Trailers-Only → HTTP-Status Content-Type Trailers" },
    respond: (stream) => {
      stream.resume();
      stream.respond({ ...GRPC, "grpc-status": "5", "grpc-message": "nothing here" }, { endStream: true });
    },
    judge: (outcome) =>
      expectCode(outcome, [5], { message: (message) => (message === "nothing here" ? undefined : "the message was lost") }),
  },
  messageCheck(
    "message/percent-decoding",
    "grpc-message '%E2%98%BA caf%C3%A9 %3A %25': decoded to '☺ café : %'",
    "%E2%98%BA caf%C3%A9 %3A %25",
    (message) => (message === "☺ café : %" ? undefined : "not decoded as percent-encoded UTF-8"),
    {
      document: PROTOCOL,
      section: "Responses",
      quote:
        "The value portion of Status-Message is conceptually a Unicode string description of the error, physically encoded as UTF-8 followed by percent-encoding.",
    },
  ),
  messageCheck(
    "message/bare-percent",
    "grpc-message '100% done, 50%zz': the message survives (raw or partly decoded)",
    "100% done, 50%zz",
    (message) => (message.includes("100") && message.includes("done") ? undefined : "the message was thrown away"),
    INVALID_MESSAGE,
  ),
  messageCheck(
    "message/invalid-utf8",
    "grpc-message 'bad %FF%FE bytes' (not UTF-8): the message survives",
    "bad %FF%FE bytes",
    (message) => (message.includes("bad") && message.includes("bytes") ? undefined : "the message was thrown away"),
    INVALID_MESSAGE,
  ),
  ...RST_MAPPING.map(([rstCode, expected]) => rstCheck(rstCode, expected)),
  {
    id: "goaway/unprocessed-call",
    title: "GOAWAY with last-stream-id 0, then the connection closes: UNAVAILABLE (or a retry on a new connection)",
    requirement: "SHOULD",
    source: {
      document: PROTOCOL,
      section: "GOAWAY Frame",
      quote:
        "Clients should consider any stream initiated after the last successfully accepted stream as UNAVAILABLE and retry the call elsewhere.",
    },
    respond: (stream, _headers, context) => {
      if (context.connection > 1) return answerOk(stream);
      stream.resume();
      context.session.goaway(constants.NGHTTP2_NO_ERROR, 0);
      setTimeout(() => context.session.destroy(), 50);
    },
    judge: (outcome) => expectCode(outcome, [14], { retryMayHide: true }),
  },
  {
    id: "goaway/accepted-call-completes",
    title: "GOAWAY whose last-stream-id covers the call, then a valid response: OK",
    requirement: "SHOULD",
    source: {
      document: PROTOCOL,
      section: "GOAWAY Frame",
      quote: "Clients are free to continue working with the already accepted streams until they complete or the connection is terminated.",
    },
    respond: (stream, _headers, context) => {
      context.session.goaway(constants.NGHTTP2_NO_ERROR, stream.id ?? 0);
      answerOk(stream);
    },
    judge: (outcome) => expectCode(outcome, [0]),
  },
  {
    id: "connection/dropped",
    title: "the connection closes after the request arrives: UNAVAILABLE",
    requirement: "MUST",
    source: {
      document: STATUS_CODES,
      section: STATUS_TABLE,
      quote: "Some data transmitted (e.g., request metadata written to TCP connection) before connection breaks | UNAVAILABLE | Client",
    },
    respond: (stream, _headers, context) => {
      if (context.connection > 1) return answerOk(stream);
      stream.resume();
      context.dropConnection();
    },
    judge: (outcome) => expectCode(outcome, [14], { retryMayHide: true }),
  },
  {
    id: "compression/flag-without-encoding",
    title: "response message with compressed flag 1 and no grpc-encoding: INTERNAL",
    requirement: "MUST",
    source: {
      document: "compression.md",
      section: "Test cases",
      quote:
        "An ill-constructed message with its Compressed-Flag bit set but lacking a grpc-encoding entry different from identity in its metadata MUST fail with INTERNAL status",
    },
    respond: (stream) => answer(stream, GRPC, [lengthPrefixed(Buffer.alloc(0), 1)], { "grpc-status": "0" }),
    judge: (outcome) => expectCode(outcome, [13]),
  },
  {
    id: "compression/unknown-encoding",
    title: "response compressed with an unknown grpc-encoding: INTERNAL",
    requirement: "MUST",
    source: {
      document: "compression.md",
      section: "Test cases",
      quote: "A message compressed by a server in a way not supported by its client MUST fail with status INTERNAL",
    },
    respond: (stream) =>
      answer(stream, { ...GRPC, "grpc-encoding": "x-probe-unknown" }, [lengthPrefixed(Buffer.from("not really compressed"), 1)], {
        "grpc-status": "0",
      }),
    judge: (outcome) => expectCode(outcome, [13]),
  },
  {
    id: "framing/length-prefix-over-limit",
    title: "a response length prefix of 2 GiB, body never sent: RESOURCE_EXHAUSTED without waiting for the body",
    requirement: "ROBUSTNESS",
    source: {
      document: STATUS_CODES,
      section: STATUS_TABLE,
      quote: "Sent or received message was larger than configured limit | RESOURCE_EXHAUSTED | Both",
    },
    respond: (stream) => {
      stream.resume();
      // 'error' is always followed by 'close'; the client is expected to reset this stream.
      stream.on("error", () => {});
      stream.respond(GRPC);
      stream.write(lengthPrefixed(Buffer.alloc(0), 0, 2 ** 31));
    },
    judge: (outcome) => expectCode(outcome, [8]),
  },
  {
    id: "framing/message-cut-by-trailers",
    title: "trailers (grpc-status 0) after 10 of 100 announced bytes: an error (INTERNAL), never OK",
    requirement: "ROBUSTNESS",
    source: { document: STATUS_CODES, section: STATUS_TABLE, quote: "Error parsing response proto | INTERNAL | Client" },
    respond: (stream) => answer(stream, GRPC, [lengthPrefixed(Buffer.alloc(10), 0, 100)], { "grpc-status": "0" }),
    judge: (outcome) => expectFailure(outcome, 13),
  },
  {
    id: "cardinality/zero-responses",
    title: "unary response with no message and grpc-status 0: UNIMPLEMENTED",
    requirement: "MUST",
    source: CARDINALITY_VIOLATION,
    respond: (stream) => answer(stream, GRPC, [], { "grpc-status": "0" }),
    judge: (outcome) => expectCode(outcome, [12]),
  },
  {
    id: "cardinality/two-responses",
    title: "unary response with two messages and grpc-status 0: UNIMPLEMENTED",
    requirement: "MUST",
    source: CARDINALITY_VIOLATION,
    respond: (stream) => answer(stream, GRPC, [EMPTY_RESPONSE, EMPTY_RESPONSE], { "grpc-status": "0" }),
    judge: (outcome) => expectCode(outcome, [12]),
  },
];
