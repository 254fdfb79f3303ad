import { expectStatus } from "./judge.js";
import { describeExchange, headerValue } from "./observe.js";
import type { ServerCheck, ServerProbeContext } from "./server-check.js";
import { lengthPrefixed, simpleRequest } from "./wire.js";

const PROTOCOL = "PROTOCOL-HTTP2.md";
const REQUESTS = "Requests";
const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";
const PADDING = {
  document: PROTOCOL,
  section: REQUESTS,
  quote: "Implementations MUST accept padded and un-padded values and should emit un-padded values.",
};
const SPLIT = {
  document: PROTOCOL,
  section: REQUESTS,
  quote: 'Implementations must split Binary-Headers on "," before decoding the Base64-encoded values.',
};

function echo(context: ServerProbeContext, extra: Record<string, string | string[]>) {
  return context.send({ headers: context.headers("UnaryCall", extra), frames: [lengthPrefixed(simpleRequest())] });
}

/** The echoed -bin trailer's values, each decoded (split on "," first). */
function echoedBinary(trailers: Record<string, unknown> | undefined): { raw: string[]; hex: string[] } | undefined {
  const value = headerValue(trailers as never, ECHO_TRAILING);
  if (value === undefined) return undefined;
  const raw = value.split(",").map((part) => part.trim());
  return { raw, hex: raw.map((part) => Buffer.from(part, "base64").toString("hex")) };
}

/** Sends `sent` in x-grpc-test-echo-trailing-bin and expects every echoed value to decode to one of `allowed` (hex). */
function binaryEcho(id: string, title: string, sent: string | string[], allowed: readonly string[], source: typeof PADDING): ServerCheck {
  return {
    id,
    title,
    requirement: "MUST",
    source,
    run: async (context) => {
      const exchange = await echo(context, { [ECHO_TRAILING]: sent });
      return expectStatus(exchange, 0, (answer) => {
        const echoed = echoedBinary(answer.trailers as never);
        if (echoed === undefined)
          return `${ECHO_TRAILING} was not echoed in the trailers: the server dropped the value (the test service echoes what it receives)`;
        const wrong = echoed.hex.filter((hex) => !allowed.includes(hex));
        return wrong.length === 0
          ? undefined
          : `echoed ${JSON.stringify(echoed.raw)} decodes to ${wrong.join(", ")} (hex), sent ${allowed.join(", ")}`;
      });
    },
  };
}

/** Checks of custom metadata: ASCII and -bin values, padding, comma-joined values, reserved names, odd values, size. */
export const METADATA_CHECKS: readonly ServerCheck[] = [
  {
    id: "metadata/ascii-echo",
    title: "x-grpc-test-echo-initial echoed in the response headers",
    requirement: "MUST",
    source: { document: PROTOCOL, section: REQUESTS, quote: "ASCII-Header → Header-Name ASCII-Value" },
    run: async (context) =>
      expectStatus(await echo(context, { [ECHO_INITIAL]: "test_initial_metadata_value" }), 0, (answer) => {
        const value = headerValue(answer.headers, ECHO_INITIAL);
        return value === "test_initial_metadata_value" ? undefined : `echoed ${JSON.stringify(value)}`;
      }),
  },
  binaryEcho("metadata/bin-padded", "-bin value with base64 padding (q80=): accepted and decoded", "q80=", ["abcd"], PADDING),
  binaryEcho("metadata/bin-unpadded", "-bin value without padding (3q2+7w): accepted and decoded", "3q2+7w", ["deadbeef"], PADDING),
  binaryEcho(
    "metadata/bin-comma-joined",
    "-bin header 'q80,3q2+7w' (two values joined): split before decoding",
    "q80,3q2+7w",
    ["abcd", "deadbeef"],
    SPLIT,
  ),
  binaryEcho(
    "metadata/bin-repeated-field",
    "-bin header sent as two fields: both values decoded",
    ["q80", "3q2+7w"],
    ["abcd", "deadbeef"],
    SPLIT,
  ),
  {
    id: "metadata/bin-emit-unpadded",
    title: "the server's own -bin values are sent without base64 padding",
    requirement: "SHOULD",
    source: PADDING,
    run: async (context) =>
      expectStatus(await echo(context, { [ECHO_TRAILING]: "q80" }), 0, (answer) => {
        const echoed = echoedBinary(answer.trailers as never);
        if (echoed === undefined) return `${ECHO_TRAILING} was not echoed in the trailers`;
        return echoed.raw.some((value) => value.endsWith("=")) ? `sent padded: ${JSON.stringify(echoed.raw)}` : undefined;
      }),
  },
  {
    id: "metadata/http-field-value",
    title: "metadata values legal in HTTP but outside ASCII-Value (obs-text byte, inner tab): the call still succeeds",
    requirement: "MUST",
    source: {
      document: PROTOCOL,
      section: REQUESTS,
      quote: "Implementations must not error due to receiving an invalid ASCII-Value that's a valid field-value in HTTP",
    },
    run: async (context) => expectStatus(await echo(context, { "x-probe-obs-text": "caf\u00e9", "x-probe-tab": "a\tb" }), 0),
  },
  {
    id: "metadata/reserved-grpc-name",
    title: "an unknown grpc-* request header (reserved for future use): ignored, call succeeds",
    requirement: "ROBUSTNESS",
    source: {
      document: PROTOCOL,
      section: REQUESTS,
      quote:
        'Header names starting with "grpc-" but not listed here are reserved for future GRPC use and should not be used by applications as Custom-Metadata.',
    },
    run: async (context) => expectStatus(await echo(context, { "grpc-probe-future": "1" }), 0),
  },
  {
    id: "metadata/response-headers-in-request",
    title: "grpc-status and grpc-message in a request: ignored, call succeeds",
    requirement: "ROBUSTNESS",
    source: { document: PROTOCOL, section: "Responses", quote: "Trailers → Status [Status-Message] *Custom-Metadata" },
    run: async (context) => expectStatus(await echo(context, { "grpc-status": "3", "grpc-message": "from the client" }), 0),
  },
  {
    id: "metadata/large-headers",
    title: "32 KiB of request metadata: answered (served, HTTP 431 or an error status), never hangs",
    requirement: "ROBUSTNESS",
    source: {
      document: PROTOCOL,
      section: REQUESTS,
      quote: "Servers may limit the size of Request-Headers, with a default of 8 KiB suggested.",
    },
    run: async (context) => {
      const exchange = await echo(context, { "x-probe-large": "x".repeat(32 * 1024) });
      const observed = describeExchange(exchange);
      if (exchange.timedOut) return { verdict: "FAIL", observed, note: "no answer in time" };
      return { verdict: "PASS", observed };
    },
  },
];
