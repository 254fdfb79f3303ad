// A raw HTTP/2 frame fuzzer against a live Server: random sequences of valid and invalid frames
// (any type, flags, stream id and payload, lying length fields, real gRPC requests among them) on
// fresh connections. After every sequence a well-formed call must still succeed within 2 s: the
// server stays up and keeps serving whatever the frames were.
import fc from "fast-check";
import { Code } from "../../src/index.js";
import { frame, rawCall, statusOf } from "../e2e/server-fixtures.js";
import {
  Flag,
  FrameType,
  RawH2,
  encodeFrame,
  grpcMessageFrame,
  hpackBlock,
  grpcRequestHeaders,
  requestHeadersFrame,
} from "../hostile/raw-h2.js";

const streamId = fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 7), fc.integer({ min: 0, max: 0x7fffffff }), fc.constant(0xffffffff));
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constant(hpackBlock(grpcRequestHeaders())),
  fc.constant(hpackBlock(grpcRequestHeaders("/test.Probe/Chat"))),
  fc.uint8Array({ minLength: 4, maxLength: 4 }),
  fc.uint8Array({ minLength: 8, maxLength: 8 }),
  fc.uint8Array({ minLength: 5, maxLength: 5 }),
);

/** One frame: random, a valid gRPC request part, or one whose length field lies. */
const anyFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .record({
      type: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 255 })),
      flags: fc.integer({ min: 0, max: 255 }),
      streamId,
      payload,
    })
    .map(({ type, flags, streamId, payload }) => encodeFrame(type, flags, streamId, payload)),
  fc
    .record({ id: fc.constantFrom(1, 3, 5), end: fc.boolean(), path: fc.constantFrom("/test.Probe/Echo", "/test.Probe/Chat") })
    .map(({ id, end, path }) => requestHeadersFrame(id, end, path)),
  fc.record({ id: fc.constantFrom(1, 3, 5), end: fc.boolean() }).map(({ id, end }) => grpcMessageFrame(id, end)),
  fc
    .record({
      type: fc.integer({ min: 0, max: 9 }),
      length: fc.integer({ min: 0, max: 0xffffff }),
      payload: fc.uint8Array({ maxLength: 32 }),
    })
    .map(({ type, length, payload }) => {
      const bytes = encodeFrame(type, 0, 1, payload);
      bytes.writeUIntBE(length, 0, 3);
      return bytes;
    }),
  fc.constant(encodeFrame(FrameType.Continuation, Flag.EndHeaders, 1, hpackBlock([["x-a", "b"]]))),
);

/** A sequence: with or without the preface, then up to 12 frames, sent at once or one by one. */
const sequence = fc.record({ preface: fc.boolean(), frames: fc.array(anyFrame, { maxLength: 12 }), oneByOne: fc.boolean() });

/** Sends one sequence on a fresh connection and closes it. */
async function send(port: number, { preface, frames, oneByOne }: { preface: boolean; frames: Buffer[]; oneByOne: boolean }): Promise<void> {
  const raw = await RawH2.connect(port, { preface });
  try {
    if (oneByOne) for (const bytes of frames) await raw.write(bytes);
    else await raw.write(Buffer.concat(frames));
    await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 10))]);
  } finally {
    raw.destroy();
  }
}

/** A well-formed call that must succeed within 2 s. */
async function healthy(port: number): Promise<void> {
  const result = await Promise.race([
    rawCall(port, { body: [frame({ text: "healthy" })] }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("a well-formed call took over 2 s")), 2000)),
  ]);
  if (statusOf(result).code !== Code.Ok) throw new Error(`a well-formed call failed: ${JSON.stringify(statusOf(result))}`);
}

/** Fuzzes the server on `port` for `numRuns` sequences or `seconds`; resolves with the run details. */
export async function fuzzServer(
  port: number,
  options: { numRuns?: number; seconds?: number; seed?: number },
): Promise<fc.RunDetails<unknown>> {
  const property = fc.asyncProperty(sequence, async (input) => {
    await send(port, input);
    await healthy(port);
  });
  const parameters: fc.Parameters<[{ preface: boolean; frames: Buffer[]; oneByOne: boolean }]> = {
    ...(options.seconds === undefined
      ? { numRuns: options.numRuns ?? 100 }
      : { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: options.seconds * 1000 }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  return (await fc.check(property, parameters)) as fc.RunDetails<unknown>;
}
