// Property-based fuzzing of every parser that reads bytes or text from a peer. Each property says
// what must hold for ANY input: the parser returns a value or fails with the error type its
// contract names (GrpcError with the spec's code, or TypeError for caller input), never anything
// else, never hangs, and round-trips what its encoder produces. test/fuzz/parsers.test.ts runs a
// short bounded run of each in npm test; `npm run fuzz` runs them for a long time.
import fc from "fast-check";
import { Code, GrpcError } from "../../src/index.js";
import {
  FrameDecoder,
  Metadata,
  compressionForReceive,
  decodeBase64,
  decodeBinaryHeader,
  decodeStatusDetails,
  decodeStatusMessage,
  deflate,
  encodeBase64,
  encodeFrame,
  encodeStatusDetails,
  encodeStatusMessage,
  formatTimeout,
  gzip,
  isGrpcContentType,
  metadataFromHeaders,
  parseEncodingList,
  parseStatusCode,
  parseTimeout,
  statusFromTrailers,
} from "../../src/protocol.js";

/** One fuzzed parser: a name and how to check its property (sync or async) with fast-check. */
export interface FuzzTarget {
  name: string;
  check(parameters: fc.Parameters<unknown>): Promise<fc.RunDetails<unknown>>;
}

/** A FuzzTarget from a fast-check property of any arity. */
export function target<T>(name: string, property: fc.IRawProperty<T>): FuzzTarget {
  return {
    name,
    check: async (parameters) => (await fc.check(property, parameters as fc.Parameters<T>)) as fc.RunDetails<unknown>,
  };
}

/** Fails unless `error` is a GrpcError with one of `codes`. */
function expectGrpcError(error: unknown, codes: readonly Code[], where: string): void {
  if (!(error instanceof GrpcError) || !codes.includes(error.code))
    throw new Error(`${where}: expected a GrpcError (${codes.map((code) => Code[code]).join(" or ")}), got ${String(error)}`);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** What a decoder made of a byte stream: the frames (copied) and the error code it ended with, if any. */
function decodeAll(chunks: Uint8Array[], maxBytes: number): { frames: string[]; error: Code | undefined } {
  const decoder = new FrameDecoder(maxBytes);
  const frames: string[] = [];
  try {
    for (const chunk of chunks)
      for (const frame of decoder.push(chunk)) frames.push(`${frame.compressed ? 1 : 0}:${Buffer.from(frame.payload).toString("hex")}`);
    decoder.end();
    return { frames, error: undefined };
  } catch (error) {
    expectGrpcError(error, [Code.Internal, Code.ResourceExhausted], "FrameDecoder");
    return { frames, error: (error as GrpcError).code };
  }
}

/** Splits bytes at the given cut points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const headerName = fc.stringMatching(/^[a-z0-9_.-]{1,20}(-bin)?$/);
const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 40 }), fc.fullUnicodeString({ maxLength: 20 }));
const anyHeaders = fc.dictionary(
  fc.oneof(headerName, fc.string({ maxLength: 12 })),
  fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })),
  {
    maxKeys: 12,
  },
);

/** Every fuzz target. */
export const FUZZ_TARGETS: FuzzTarget[] = [
  target(
    "FrameDecoder: any bytes, any chunking: frames or INTERNAL/RESOURCE_EXHAUSTED, the same whatever the chunking",
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.integer({ min: 0, max: 64 }),
      (bytes, cuts, maxBytes) => {
        const whole = decodeAll([bytes], maxBytes);
        const chunked = decodeAll(split(bytes, cuts), maxBytes);
        check(whole.error === chunked.error, `error ${whole.error} whole, ${chunked.error} chunked`);
        if (whole.error === undefined) check(whole.frames.join() === chunked.frames.join(), "frames differ with chunking");
      },
    ),
  ),
  target(
    "FrameDecoder: encoded frames come back exactly, byte by byte or in random chunks",
    fc.property(
      fc.array(fc.record({ payload: fc.uint8Array({ maxLength: 200 }), compressed: fc.boolean() }), { maxLength: 10 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (messages, cuts) => {
        const bytes = Buffer.concat(messages.map(({ payload, compressed }) => encodeFrame(payload, compressed)));
        const decoded = decodeAll(split(bytes, cuts), 1024);
        check(decoded.error === undefined, `error ${decoded.error}`);
        const expected = messages.map(({ payload, compressed }) => `${compressed ? 1 : 0}:${Buffer.from(payload).toString("hex")}`);
        check(decoded.frames.join() === expected.join(), "round trip differs");
      },
    ),
  ),
  target(
    "parseTimeout: any text is a duration or INTERNAL; formatTimeout round-trips, rounding up",
    fc.property(
      fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^\d{1,10}[HMSmunx]?$/)),
      fc.integer({ min: 0, max: 2 ** 40 }),
      (text, ms) => {
        try {
          const parsed = parseTimeout(text);
          check(Number.isFinite(parsed) && parsed >= 0, `parseTimeout(${JSON.stringify(text)}) = ${parsed}`);
          check(/^\d{1,8}[HMSmun]$/.test(text), `parseTimeout accepted ${JSON.stringify(text)}`);
        } catch (error) {
          expectGrpcError(error, [Code.Internal], `parseTimeout(${JSON.stringify(text)})`);
        }
        const formatted = formatTimeout(ms);
        check(/^\d{1,8}[HMSmun]$/.test(formatted), `formatTimeout(${ms}) = ${formatted}`);
        check(parseTimeout(formatted) >= ms, `formatTimeout(${ms}) = ${formatted} parses shorter`);
      },
    ),
  ),
  target(
    "grpc-message: decoding never fails; encode is printable ASCII and round-trips any well-formed text",
    fc.property(fc.string({ maxLength: 60 }), fc.fullUnicodeString({ maxLength: 40 }), (wire, text) => {
      decodeStatusMessage(wire);
      const encoded = encodeStatusMessage(text);
      check(/^[\x20-\x7e]*$/.test(encoded), `encoded ${JSON.stringify(encoded)} is not printable ASCII`);
      check(decodeStatusMessage(encoded) === text, `round trip of ${JSON.stringify(text)}`);
    }),
  ),
  target(
    "base64 (-bin metadata): any text decodes or is a TypeError; encode round-trips",
    fc.property(
      fc.oneof(fc.string({ maxLength: 30 }), fc.base64String({ maxLength: 30 })),
      fc.uint8Array({ maxLength: 60 }),
      (text, bytes) => {
        for (const decode of [decodeBase64, decodeBinaryHeader] as ((text: string) => unknown)[])
          try {
            decode(text);
          } catch (error) {
            check(error instanceof TypeError, `decode(${JSON.stringify(text)}) threw ${String(error)}`);
          }
        check(Buffer.from(decodeBase64(encodeBase64(bytes))).equals(Buffer.from(bytes)), "base64 round trip");
      },
    ),
  ),
  target(
    "grpc-status-details-bin: any bytes decode or are refused without throwing; encode round-trips",
    fc.property(
      fc.uint8Array({ maxLength: 120 }),
      fc.integer({ min: 0, max: 16 }),
      fc.fullUnicodeString({ maxLength: 30 }),
      (bytes, code, message) => {
        try {
          decodeStatusDetails(bytes);
        } catch (error) {
          expectGrpcError(error, [Code.Internal, Code.Unknown], "decodeStatusDetails");
        }
        const decoded = decodeStatusDetails(encodeStatusDetails({ code, message, details: [] }));
        check(decoded?.code === code && decoded.message === message, "status details round trip");
      },
    ),
  ),
  target(
    "grpc-status: any text is a code 0-16 or undefined, and every code round-trips",
    fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String)), fc.integer({ min: 0, max: 16 }), (text, code) => {
      const parsed = parseStatusCode(text);
      check(
        parsed === undefined || (Number.isInteger(parsed) && parsed >= 0 && parsed <= 16),
        `parseStatusCode(${JSON.stringify(text)}) = ${parsed}`,
      );
      if (parsed !== undefined) check(String(parsed) === text, `parseStatusCode accepted ${JSON.stringify(text)}`);
      check(parseStatusCode(String(code)) === code, `code ${code}`);
    }),
  ),
  target(
    "content-type and encoding lists: any text is answered without throwing",
    fc.property(
      fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("application/grpc", "application/grpc+proto", "application/grpc;x=y")),
      (text) => {
        const grpc = isGrpcContentType(text);
        if (text === "application/grpc" || text === "application/grpc+proto") check(grpc, `${text} is gRPC`);
        const names = parseEncodingList(text);
        check(
          names.every((name) => typeof name === "string" && name.length > 0),
          "encoding list names",
        );
        try {
          compressionForReceive(text, [gzip, deflate]);
        } catch (error) {
          expectGrpcError(error, [Code.Unimplemented, Code.Internal], `compressionForReceive(${JSON.stringify(text)})`);
        }
      },
    ),
  ),
  target(
    "headers to metadata and trailers to status: any header map is read without throwing anything but a GrpcError",
    fc.property(anyHeaders, fc.integer({ min: 100, max: 599 }), (headers, httpStatus) => {
      try {
        const metadata = metadataFromHeaders(headers as never);
        check(metadata instanceof Metadata, "metadata");
      } catch (error) {
        expectGrpcError(error, [Code.Internal], "metadataFromHeaders");
      }
      const status = statusFromTrailers(headers as never, httpStatus);
      check(status === undefined || status instanceof GrpcError, "statusFromTrailers returns a GrpcError or undefined");
    }),
  ),
  target(
    "gzip and deflate: any bytes decompress within the limit or reject INTERNAL/RESOURCE_EXHAUSTED",
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 4096 }),
      async (bytes, useGzip, maxBytes) => {
        const compression = useGzip ? gzip : deflate;
        try {
          const out = await compression.decompress(bytes, maxBytes);
          check(out.length <= maxBytes, "decompressed past the limit");
        } catch (error) {
          expectGrpcError(error, [Code.Internal, Code.ResourceExhausted], `${compression.name}.decompress`);
        }
        const round = await compression.decompress(await compression.compress(bytes), 4096);
        check(Buffer.from(round).equals(Buffer.from(bytes)), "round trip");
      },
    ),
  ),
];

/** Runs every target for `numRuns` runs each (or for `seconds` each); returns the failures. */
export async function runFuzzTargets(
  options: { numRuns?: number; seconds?: number; seed?: number },
  targets: readonly FuzzTarget[] = FUZZ_TARGETS,
): Promise<{ name: string; runs: number; failure?: string }[]> {
  const results: { name: string; runs: number; failure?: string }[] = [];
  for (const target of targets) {
    const parameters: fc.Parameters<unknown> = {
      ...(options.seconds === undefined
        ? { numRuns: options.numRuns ?? 200 }
        : { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: options.seconds * 1000 }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    };
    const details = await target.check(parameters);
    const failure = details.failed ? (fc.defaultReportMessage(details) ?? "failed") : undefined;
    results.push({ name: target.name, runs: details.numRuns, ...(failure === undefined ? {} : { failure }) });
  }
  return results;
}
