import { exchange } from "./exchange.js";
import { expectAnswer, expectRefusal, expectStatus } from "./judge.js";
import { describeExchange, grpcStatus, httpStatus } from "./observe.js";
import type { ServerCheck, ServerProbeContext } from "./server-check.js";
import { lengthPrefixed, simpleRequest, sleepingStreamingRequest } from "./wire.js";

const REQUESTS = "Requests";
const PROTOCOL = "PROTOCOL-HTTP2.md";
const EMPTY = lengthPrefixed(Buffer.alloc(0));

const CONTENT_TYPE_415 = {
  document: PROTOCOL,
  section: REQUESTS,
  quote:
    'If Content-Type does not begin with "application/grpc", gRPC servers SHOULD respond with HTTP status of 415 (Unsupported Media Type).',
};

function expect415(contentType: string | undefined) {
  return async (context: ServerProbeContext) => {
    const exchange = await context.send({ headers: context.headers("EmptyCall", { "content-type": contentType }), frames: [EMPTY] });
    const observed = describeExchange(exchange);
    if (httpStatus(exchange.headers) === 415) return { verdict: "PASS" as const, observed };
    return { verdict: "FAIL" as const, observed, note: "expected HTTP status 415" };
  };
}

const METHOD_NOT_FOUND = {
  document: "statuscodes.md",
  section: "Status codes and their use in gRPC",
  quote: "Method not found at server | UNIMPLEMENTED | Server",
};

const TIMEOUT_GRAMMAR = {
  document: PROTOCOL,
  section: REQUESTS,
  quote:
    "TimeoutValue → {positive integer as ASCII string of at most 8 digits}; TimeoutUnit → Hour / Minute / Second / Millisecond / Microsecond / Nanosecond",
};

/** A legal, long grpc-timeout: the call must succeed (a misread value expires at once). */
function longTimeout(value: string): ServerCheck {
  return {
    id: `timeout/long-${value}`,
    title: `grpc-timeout ${value} (legal, far away): EmptyCall succeeds`,
    requirement: "MUST",
    source: TIMEOUT_GRAMMAR,
    run: async (context) =>
      expectStatus(await context.send({ headers: context.headers("EmptyCall", { "grpc-timeout": value }), frames: [EMPTY] }), 0),
  };
}

/** A short grpc-timeout on a call that sleeps 3 s: the server must end it DEADLINE_EXCEEDED (or reset it with CANCEL). */
function shortTimeout(value: string): ServerCheck {
  return {
    id: `timeout/expires-${value}`,
    title: `grpc-timeout ${value} on a call the server answers after 3 s: DEADLINE_EXCEEDED`,
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: "Client Cancellation",
      quote: "gRPC servers track the deadline of the RPC as communicated by Timeout.",
    },
    run: async (context) => {
      const exchange = await context.send({
        headers: context.headers("StreamingOutputCall", { "grpc-timeout": value }),
        frames: [lengthPrefixed(sleepingStreamingRequest(3_000_000))],
        waitMs: context.waitMs + 3000,
      });
      const observed = describeExchange(exchange);
      const status = grpcStatus(exchange);
      if (status === 4) return { verdict: "PASS", observed };
      if (status === undefined && exchange.rstCode === 8) return { verdict: "PASS", observed, note: "reset with CANCEL at the deadline" };
      if (status === undefined && exchange.rstCode === undefined && exchange.timedOut)
        return { verdict: "FAIL", observed, note: "no answer in time" };
      return {
        verdict: "FAIL",
        observed,
        note: `expected DEADLINE_EXCEEDED (4) at the deadline; the server ${status === 0 ? "ignored the deadline" : `answered ${status ?? "without a status"}`}`,
      };
    },
  };
}

/** A malformed grpc-timeout: answered (any status), and the connection still serves a valid call. */
function malformedTimeout(label: string, value: string): ServerCheck {
  return {
    id: `timeout/malformed-${label}`,
    title: `grpc-timeout ${JSON.stringify(value)} (outside the grammar): answered, connection still usable`,
    requirement: "ROBUSTNESS",
    source: TIMEOUT_GRAMMAR,
    run: async (context) => {
      const session = await context.session();
      const bad = await exchange(session, {
        headers: context.headers("EmptyCall", { "grpc-timeout": value }),
        frames: [EMPTY],
        waitMs: context.waitMs,
      });
      const judged = expectAnswer(bad);
      if (judged.verdict === "FAIL") return judged;
      const after = await exchange(session, { headers: context.headers("EmptyCall"), frames: [EMPTY], waitMs: context.waitMs });
      if (grpcStatus(after) !== 0)
        return {
          verdict: "FAIL",
          observed: `${judged.observed}; then a valid call: ${describeExchange(after)}`,
          note: "the connection no longer serves calls",
        };
      return {
        verdict: "PASS",
        observed: judged.observed,
        note: grpcStatus(bad) === 0 ? "accepted as a call (value ignored or read leniently)" : "refused",
      };
    },
  };
}

/** Checks of the request headers: content-type, method, te, path, grpc-timeout. */
export const HEADER_CHECKS: readonly ServerCheck[] = [
  {
    id: "content-type/text-plain",
    title: "content-type text/plain: HTTP 415",
    requirement: "SHOULD",
    source: CONTENT_TYPE_415,
    run: expect415("text/plain"),
  },
  {
    id: "content-type/missing",
    title: "no content-type: HTTP 415",
    requirement: "SHOULD",
    source: CONTENT_TYPE_415,
    run: expect415(undefined),
  },
  {
    id: "content-type/application-grpc-proto",
    title: "content-type application/grpc+proto: served",
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: REQUESTS,
      quote: 'Content-Type → "content-type" "application/grpc" [("+proto" / "+json" / {custom})]',
    },
    run: async (context) =>
      expectStatus(
        await context.send({ headers: context.headers("EmptyCall", { "content-type": "application/grpc+proto" }), frames: [EMPTY] }),
        0,
      ),
  },
  {
    id: "method/get",
    title: "GET instead of POST: HTTP 405, never a call",
    requirement: "ROBUSTNESS",
    source: { document: PROTOCOL, section: REQUESTS, quote: 'Method → ":method POST"' },
    run: async (context) => {
      const exchange = await context.send({ headers: context.headers("EmptyCall", { ":method": "GET" }), endStream: true });
      const judged = expectRefusal(exchange);
      if (judged.verdict === "FAIL") return judged;
      return httpStatus(exchange.headers) === 405
        ? judged
        : { verdict: "INFO", observed: judged.observed, note: "refused, but not with HTTP 405 (Method Not Allowed)" };
    },
  },
  {
    id: "te/missing",
    title: "no te: trailers: answered either way (served or refused), never hangs",
    requirement: "ROBUSTNESS",
    source: { document: PROTOCOL, section: REQUESTS, quote: 'TE → "te" "trailers"  # Used to detect incompatible proxies' },
    run: async (context) => {
      const exchange = await context.send({ headers: context.headers("EmptyCall", { te: undefined }), frames: [EMPTY] });
      const judged = expectAnswer(exchange);
      if (judged.verdict === "FAIL") return judged;
      return { verdict: "PASS", observed: judged.observed, note: grpcStatus(exchange) === 0 ? "served" : "refused" };
    },
  },
  {
    id: "path/unknown-service",
    title: "unknown service: UNIMPLEMENTED",
    requirement: "MUST",
    source: METHOD_NOT_FOUND,
    run: async (context) =>
      expectStatus(
        await context.send({
          headers: context.headers("/grpc.testing.NoSuchService/UnaryCall"),
          frames: [lengthPrefixed(simpleRequest())],
        }),
        12,
      ),
  },
  {
    id: "path/unknown-method",
    title: "unknown method of a known service: UNIMPLEMENTED",
    requirement: "MUST",
    source: METHOD_NOT_FOUND,
    run: async (context) =>
      expectStatus(await context.send({ headers: context.headers("NoSuchMethod"), frames: [lengthPrefixed(simpleRequest())] }), 12),
  },
  {
    id: "path/case-sensitive",
    title: "/grpc.testing.testservice/unarycall (wrong case): UNIMPLEMENTED",
    requirement: "MUST",
    source: { document: PROTOCOL, section: REQUESTS, quote: "Path is case-sensitive." },
    run: async (context) =>
      expectStatus(
        await context.send({ headers: context.headers("/grpc.testing.testservice/unarycall"), frames: [lengthPrefixed(simpleRequest())] }),
        12,
      ),
  },
  {
    id: "path/early-close-rst",
    title: "unknown method, request not half-closed: Trailers-Only then RST_STREAM(NO_ERROR)",
    requirement: "SHOULD",
    source: {
      document: PROTOCOL,
      section: "Early Server Closure",
      quote:
        "If a server responds with Trailers before the client's END_STREAM, then the server should send RST_STREAM with NO_ERROR error code immediately following that HEADERS frame",
    },
    run: async (context) => {
      const exchange = await context.send({
        headers: context.headers("NoSuchMethod"),
        endStream: false,
        waitMs: Math.min(context.waitMs, 3000),
      });
      const observed = describeExchange(exchange);
      if (grpcStatus(exchange) === undefined) return { verdict: "FAIL", observed, note: "no status before the request ended" };
      if (exchange.timedOut) return { verdict: "FAIL", observed, note: "status sent, but the stream was left open (no RST_STREAM)" };
      if (exchange.rstCode !== 0) return { verdict: "FAIL", observed, note: "reset with a code other than NO_ERROR" };
      return { verdict: "PASS", observed: `${observed}, then RST_STREAM NO_ERROR(0)` };
    },
  },
  longTimeout("1H"),
  longTimeout("99999999H"),
  longTimeout("1M"),
  longTimeout("99999999M"),
  longTimeout("100S"),
  longTimeout("99999999S"),
  longTimeout("100000m"),
  longTimeout("99999999m"),
  shortTimeout("1S"),
  shortTimeout("200m"),
  shortTimeout("200000u"),
  shortTimeout("99999999n"),
  malformedTimeout("9-digits", "123456789S"),
  malformedTimeout("no-unit", "100"),
  malformedTimeout("unknown-unit", "1x"),
  malformedTimeout("negative", "-1S"),
  malformedTimeout("fraction", "1.5S"),
  malformedTimeout("no-digits", "S"),
  malformedTimeout("inner-space", "1 S"),
];
