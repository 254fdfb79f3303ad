import { expect } from "chai";
import { encodeFrame, readFrames, type Frame } from "../../src/framing/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { chunksOf, grpcErrorOf } from "../pipeline/helpers.js";

async function collect(frames: AsyncIterable<Frame>): Promise<{ compressed: boolean; payload: number[] }[]> {
  const out = [];
  for await (const frame of frames) out.push({ compressed: frame.compressed, payload: [...frame.payload] });
  return out;
}

describe("readFrames", () => {
  it("yields the frames of a chunked stream in order", async () => {
    const a = encodeFrame(Uint8Array.of(1, 2));
    const b = encodeFrame(Uint8Array.of(3), true);
    const frames = await collect(readFrames(chunksOf(a.subarray(0, 3), a.subarray(3), b)));
    expect(frames).to.deep.equal([
      { compressed: false, payload: [1, 2] },
      { compressed: true, payload: [3] },
    ]);
  });

  it("checklist 8: a stream ending inside a message is INTERNAL", async () => {
    const error = await grpcErrorOf(() => collect(readFrames(chunksOf(encodeFrame(Uint8Array.of(1, 2)).subarray(0, 6)))));
    expect(error.code).to.equal(Code.Internal);
  });

  it("checklist 10: applies the given limit (RESOURCE_EXHAUSTED)", async () => {
    const error = await grpcErrorOf(() => collect(readFrames(chunksOf(encodeFrame(new Uint8Array(3))), 2)));
    expect(error.code).to.equal(Code.ResourceExhausted);
  });

  it("passes errors of the byte stream through", async () => {
    async function* broken(): AsyncIterable<Uint8Array> {
      yield encodeFrame(Uint8Array.of(1));
      throw new GrpcError(Code.Unavailable, "gone");
    }
    const error = await grpcErrorOf(() => collect(readFrames(broken())));
    expect(error.code).to.equal(Code.Unavailable);
  });
});
