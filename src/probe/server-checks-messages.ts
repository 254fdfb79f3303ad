import { expectRefusal, expectStatus } from "./judge.js";
import { describeExchange, grpcMessage, grpcStatus, headerValue, httpStatus, statusBlock } from "./observe.js";
import type { ServerCheck, ServerProbeContext } from "./server-check.js";
import {
  lengthPrefixed,
  percentDecodeStrict,
  percentEncodeStrict,
  readVarintField,
  simpleRequest,
  splitMessages,
  streamingInputRequest,
} from "./wire.js";

const PROTOCOL = "PROTOCOL-HTTP2.md";
const STATUS_CODES = "statuscodes.md";
const STATUS_TABLE = "Status codes and their use in gRPC";
const SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
const PERCENT_MESSAGE = "100% sure: 50%25 off, %zz stays";
const STATUS_MESSAGE = {
  document: PROTOCOL,
  section: "Responses",
  quote: 'Percent-Byte-Unencoded → 1*( %x20-%x24 / %x26-%x7E ) ; space and VCHAR, except %; Percent-Byte-Encoded → "%" 2HEXDIGIT',
};
const FRAME_BOUNDARIES = {
  document: PROTOCOL,
  section: "Data Frames",
  quote:
    "DATA frame boundaries have no relation to Length-Prefixed-Message boundaries and implementations should make no assumptions about their alignment.",
};
const CARDINALITY = {
  document: STATUS_CODES,
  section: STATUS_TABLE,
  quote:
    "Request cardinality violation (method requires exactly one request but client sent some other number of requests) | UNIMPLEMENTED | Server",
};
const COMPRESSED_FLAG = {
  document: "compression.md",
  section: "Test cases",
  quote:
    "An ill-constructed message with its Compressed-Flag bit set but lacking a grpc-encoding entry different from identity in its metadata MUST fail with INTERNAL status",
};

/** UnaryCall asking the server to end with `code` and `message`: the message must arrive percent-encoded per the grammar. */
function echoedMessage(context: ServerProbeContext, message: string) {
  return context.send({
    headers: context.headers("UnaryCall"),
    frames: [lengthPrefixed(simpleRequest({ responseStatus: { code: 2, message } }))],
  });
}

function expectMessage(message: string) {
  return async (context: ServerProbeContext) => {
    const exchange = await echoedMessage(context, message);
    return expectStatus(exchange, 2, (answer) => {
      const raw = grpcMessage(answer);
      if (raw === undefined) return "no grpc-message";
      const decoded = percentDecodeStrict(raw);
      if (decoded === undefined)
        return `grpc-message ${JSON.stringify(raw)} is outside the Percent-Encoded grammar (raw bytes, a bare %, or invalid UTF-8)`;
      return decoded === message ? undefined : `grpc-message decodes to ${JSON.stringify(decoded)}, sent ${JSON.stringify(message)}`;
    });
  };
}

/** Checks of messages and status: grpc-message encoding, framing, compression flags, cardinality, response shape. */
export const MESSAGE_CHECKS: readonly ServerCheck[] = [
  {
    id: "status/code-and-message",
    title: "UnaryCall asking for status 2 'test status message': echoed exactly",
    requirement: "MUST",
    source: { document: PROTOCOL, section: "Responses", quote: "Trailers → Status [Status-Message] *Custom-Metadata" },
    run: expectMessage("test status message"),
  },
  {
    id: "status/message-special-characters",
    title: "status message with whitespace, ☺ and 😈 (special_status_message): percent-encoded UTF-8",
    requirement: "MUST",
    source: STATUS_MESSAGE,
    run: expectMessage(SPECIAL_MESSAGE),
  },
  {
    id: "status/message-percent-sign",
    title: "status message containing %: sent as %25",
    requirement: "MUST",
    source: STATUS_MESSAGE,
    run: expectMessage(PERCENT_MESSAGE),
  },
  {
    id: "status/message-minimal-encoding",
    title: "status message: only bytes outside %x20-%x7E and % are escaped (informational)",
    requirement: "SHOULD",
    source: {
      document: PROTOCOL,
      section: "Responses",
      quote: "Percent-encoding is specified in RFC 3986 §2.1, although the form used here has different restricted characters.",
    },
    run: async (context) => {
      const exchange = await echoedMessage(context, SPECIAL_MESSAGE);
      const observed = describeExchange(exchange);
      const raw = grpcMessage(exchange);
      if (raw === undefined) return { verdict: "INFO", observed, note: "no grpc-message" };
      const minimal = percentEncodeStrict(SPECIAL_MESSAGE);
      if (raw === minimal || raw.toUpperCase() === minimal.toUpperCase()) return { verdict: "PASS", observed };
      const extra = [
        ...new Set(
          [...raw.matchAll(/%([0-9A-Fa-f]{2})/g)]
            .map((match) => Number.parseInt(match[1]!, 16))
            .filter((byte) => byte >= 0x20 && byte <= 0x7e && byte !== 0x25),
        ),
      ];
      return {
        verdict: "INFO",
        observed,
        note:
          extra.length > 0
            ? `also escapes ${extra.map((byte) => JSON.stringify(String.fromCharCode(byte))).join(" ")} (legal, but larger than needed)`
            : "differs from the minimal encoding",
      };
    },
  },
  {
    id: "status/error-before-message",
    title: "UnaryCall ending NOT_FOUND before any message: status arrives (Trailers-Only or headers+trailers)",
    requirement: "MUST",
    source: { document: PROTOCOL, section: "Responses", quote: "Trailers-Only is permitted for calls that produce an immediate error." },
    run: async (context) => {
      const exchange = await context.send({
        headers: context.headers("UnaryCall"),
        frames: [lengthPrefixed(simpleRequest({ responseStatus: { code: 5, message: "not found" } }))],
      });
      const judged = expectStatus(exchange, 5);
      return judged.verdict === "FAIL" ? judged : { ...judged, note: exchange.trailersOnly ? "Trailers-Only" : "headers, then trailers" };
    },
  },
  {
    id: "response/shape",
    title: "UnaryCall: :status 200, application/grpc, one message, grpc-status 0 in trailers",
    requirement: "MUST",
    source: { document: PROTOCOL, section: "Responses", quote: "Status must be sent in Trailers even if the status code is OK." },
    run: async (context) => {
      const exchange = await context.send({
        headers: context.headers("UnaryCall"),
        frames: [lengthPrefixed(simpleRequest({ responseSize: 7 }))],
      });
      return expectStatus(exchange, 0, (answer) => {
        if (httpStatus(answer.headers) !== 200) return ":status is not 200";
        if (!(headerValue(answer.headers, "content-type") ?? "").startsWith("application/grpc"))
          return "content-type does not begin with application/grpc";
        if (answer.trailersOnly) return "an OK response with no message was sent Trailers-Only";
        if (headerValue(answer.headers, "grpc-status") !== undefined) return "grpc-status in the response headers";
        const status = headerValue(statusBlock(answer), "grpc-status");
        if (status !== "0") return `grpc-status ${JSON.stringify(status)} is not the decimal 0`;
        const { messages, rest } = splitMessages(answer.body);
        if (messages.length !== 1 || rest !== 0) return `${messages.length} message(s) and ${rest} stray bytes, expected one message`;
        return undefined;
      });
    },
  },
  {
    id: "framing/compressed-flag-without-encoding",
    title: "message with compressed flag 1 and no grpc-encoding: INTERNAL",
    requirement: "MUST",
    source: COMPRESSED_FLAG,
    run: async (context) =>
      expectStatus(await context.send({ headers: context.headers("UnaryCall"), frames: [lengthPrefixed(simpleRequest(), 1)] }), 13),
  },
  {
    id: "framing/compressed-flag-identity",
    title: "compressed flag 1 with grpc-encoding identity: INTERNAL",
    requirement: "MUST",
    source: COMPRESSED_FLAG,
    run: async (context) =>
      expectStatus(
        await context.send({
          headers: context.headers("UnaryCall", { "grpc-encoding": "identity" }),
          frames: [lengthPrefixed(simpleRequest(), 1)],
        }),
        13,
      ),
  },
  {
    id: "framing/compressed-flag-2",
    title: "compressed flag 2 (neither 0 nor 1): refused, never served",
    requirement: "ROBUSTNESS",
    source: { document: PROTOCOL, section: "Requests", quote: "Compressed-Flag → 0 / 1   # encoded as 1 byte unsigned integer" },
    run: async (context) =>
      expectRefusal(await context.send({ headers: context.headers("UnaryCall"), frames: [lengthPrefixed(simpleRequest(), 2)] }), 13),
  },
  {
    id: "compression/unknown-encoding",
    title: "request compressed with an unknown grpc-encoding: UNIMPLEMENTED with grpc-accept-encoding",
    requirement: "MUST",
    source: {
      document: "compression.md",
      section: "Test cases",
      quote:
        "A message compressed by a client in a way not supported by its server MUST fail with status UNIMPLEMENTED [...] The returned grpc-accept-encoding header MUST NOT contain the compression method (encoding) used.",
    },
    run: async (context) => {
      const exchange = await context.send({
        headers: context.headers("UnaryCall", { "grpc-encoding": "x-probe-unknown" }),
        frames: [lengthPrefixed(Buffer.from("not really compressed"), 1)],
      });
      return expectStatus(exchange, 12, (answer) => {
        const accept = headerValue(answer.headers, "grpc-accept-encoding") ?? headerValue(answer.trailers, "grpc-accept-encoding");
        if (accept === undefined) return "no grpc-accept-encoding in the response";
        return accept.includes("x-probe-unknown") ? "grpc-accept-encoding lists the unsupported encoding" : undefined;
      });
    },
  },
  {
    id: "framing/length-prefix-over-limit",
    title: "length prefix of 2 GiB, body never sent: RESOURCE_EXHAUSTED before the body arrives",
    requirement: "ROBUSTNESS",
    source: {
      document: STATUS_CODES,
      section: STATUS_TABLE,
      quote: "Sent or received message was larger than configured limit | RESOURCE_EXHAUSTED | Both",
    },
    run: async (context) => {
      const prefix = lengthPrefixed(Buffer.alloc(0), 0, 2 ** 31);
      const exchange = await context.send({ headers: context.headers("UnaryCall"), frames: [prefix], endStream: false });
      const observed = describeExchange(exchange);
      const status = grpcStatus(exchange);
      if (status === 8) return { verdict: "PASS", observed };
      if (status === undefined && exchange.rstCode === 11)
        return { verdict: "PASS", observed, note: "reset ENHANCE_YOUR_CALM (maps to RESOURCE_EXHAUSTED)" };
      if (exchange.timedOut && status === undefined)
        return { verdict: "FAIL", observed, note: "no answer: the server waits for a body it will never accept" };
      return { verdict: "FAIL", observed, note: `expected RESOURCE_EXHAUSTED (8), got ${status ?? "no status"}` };
    },
  },
  {
    id: "framing/message-cut-by-end-stream",
    title: "END_STREAM after 10 of 100 announced bytes: an error status (INTERNAL), never served",
    requirement: "ROBUSTNESS",
    source: { document: STATUS_CODES, section: STATUS_TABLE, quote: "Error parsing request proto | INTERNAL | Server" },
    run: async (context) => {
      const cut = lengthPrefixed(Buffer.alloc(10), 0, 100);
      return expectRefusal(await context.send({ headers: context.headers("UnaryCall"), frames: [cut] }), 13);
    },
  },
  {
    id: "framing/one-byte-frames",
    title: "a request split into 1-byte DATA frames: served",
    requirement: "MUST",
    source: FRAME_BOUNDARIES,
    run: async (context) => {
      const message = lengthPrefixed(simpleRequest({ responseSize: 5, payloadSize: 12 }));
      const frames = [...message].map((byte) => Buffer.of(byte));
      return expectStatus(await context.send({ headers: context.headers("UnaryCall"), frames, gapMs: 2 }), 0);
    },
  },
  {
    id: "framing/two-messages-one-frame",
    title: "StreamingInputCall: two messages in one DATA frame, both counted",
    requirement: "MUST",
    source: FRAME_BOUNDARIES,
    run: async (context) => {
      const frame = Buffer.concat([lengthPrefixed(streamingInputRequest(3)), lengthPrefixed(streamingInputRequest(5))]);
      const exchange = await context.send({ headers: context.headers("StreamingInputCall"), frames: [frame] });
      return expectStatus(exchange, 0, (answer) => {
        const [response] = splitMessages(answer.body).messages;
        const size = response === undefined ? undefined : (readVarintField(response.bytes, 1) ?? 0);
        return size === 8 ? undefined : `aggregated_payload_size ${size ?? "missing"}, expected 8`;
      });
    },
  },
  {
    id: "framing/empty-data-end-stream",
    title: "END_STREAM in an empty DATA frame after the message: served",
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: "Requests",
      quote:
        "In scenarios where the Request stream needs to be closed but no data remains to be sent implementations MUST send an empty DATA frame with this flag set.",
    },
    run: async (context) =>
      expectStatus(await context.send({ headers: context.headers("UnaryCall"), frames: [lengthPrefixed(simpleRequest())], gapMs: 20 }), 0),
  },
  {
    id: "cardinality/unary-zero-requests",
    title: "UnaryCall with no request message: UNIMPLEMENTED",
    requirement: "MUST",
    source: CARDINALITY,
    run: async (context) => expectStatus(await context.send({ headers: context.headers("UnaryCall"), frames: [] }), 12),
  },
  {
    id: "cardinality/unary-two-requests",
    title: "UnaryCall with two request messages: UNIMPLEMENTED",
    requirement: "MUST",
    source: CARDINALITY,
    run: async (context) => {
      const message = lengthPrefixed(simpleRequest());
      return expectStatus(await context.send({ headers: context.headers("UnaryCall"), frames: [Buffer.concat([message, message])] }), 12);
    },
  },
  {
    id: "cardinality/server-streaming-zero-requests",
    title: "StreamingOutputCall with no request message: UNIMPLEMENTED",
    requirement: "MUST",
    source: CARDINALITY,
    run: async (context) => expectStatus(await context.send({ headers: context.headers("StreamingOutputCall"), frames: [] }), 12),
  },
];
