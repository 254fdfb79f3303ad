import { expect } from "chai";
import fc from "fast-check";
import { rawCodec, type Codec } from "../../src/codec/index.js";
import { gzip, type Compression } from "../../src/compression/index.js";
import { encodeFrame } from "../../src/framing/index.js";
import { readMessages, writeMessages } from "../../src/pipeline/index.js";
import { Code } from "../../src/status/index.js";
import { chunksOf, collect, concat, grpcErrorOf } from "./helpers.js";

const numbers: Codec<number> = {
  encode: (value) => Uint8Array.of(value),
  decode: (bytes) => bytes[0]!,
};

describe("writeMessages and readMessages", () => {
  it("writes one frame per message", async () => {
    const chunks = await collect(writeMessages(chunksOf(1, 2, 3), numbers));
    expect(chunks.map((chunk) => [...chunk])).to.deep.equal([
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 1, 2],
      [0, 0, 0, 0, 1, 3],
    ]);
  });

  for (const compression of [undefined, gzip] as (Compression | undefined)[])
    it(`round-trips messages fed byte by byte and whole (${compression?.name ?? "uncompressed"})`, async () => {
      const messages = [5, 0, 255, 7];
      const bytes = concat(...(await collect(writeMessages(chunksOf(...messages), numbers, { compression }))));
      const split = Array.from(bytes, (byte) => Uint8Array.of(byte));
      expect(await collect(readMessages(chunksOf(...split), numbers, { compression }))).to.deep.equal(messages);
      expect(await collect(readMessages(chunksOf(bytes), numbers, { compression }))).to.deep.equal(messages);
    });

  it("property: any messages, any chunking, round-trip", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (messages, rawCuts) => {
          const bytes = concat(...(await collect(writeMessages(chunksOf(...messages), rawCodec))));
          const cuts = [...new Set(rawCuts.map((cut) => cut % (bytes.length + 1))), bytes.length].sort((a, b) => a - b);
          const chunks = cuts.map((cut, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1]!, cut));
          const read = await collect(readMessages(chunksOf(...chunks), rawCodec));
          expect(read.map((m) => [...m])).to.deep.equal(messages.map((m) => [...m]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("checklist 10: readMessages defaults to the 4 MiB limit", async () => {
    const header = Uint8Array.of(0, 0, 0x40, 0, 1); // 4 MiB + 1
    expect((await grpcErrorOf(() => collect(readMessages(chunksOf(header), rawCodec)))).code).to.equal(Code.ResourceExhausted);
  });

  it("checklist 10: readMessages applies maxBytes after decompression", async () => {
    const bytes = concat(...(await collect(writeMessages(chunksOf(new Uint8Array(1000)), rawCodec, { compression: gzip }))));
    expect(bytes.length).to.be.lessThan(100);
    const error = await grpcErrorOf(() => collect(readMessages(chunksOf(bytes), rawCodec, { compression: gzip, maxBytes: 100 })));
    expect(error.code).to.equal(Code.ResourceExhausted);
  });

  it("checklist 9: readMessages refuses a compressed frame on an identity stream", async () => {
    const error = await grpcErrorOf(() => collect(readMessages(chunksOf(encodeFrame(Uint8Array.of(1), true)), rawCodec)));
    expect(error.code).to.equal(Code.Internal);
  });

  it("checklist 8: readMessages reports a stream cut inside a message as INTERNAL", async () => {
    const frame = encodeFrame(Uint8Array.of(1, 2, 3));
    const error = await grpcErrorOf(() => collect(readMessages(chunksOf(frame.subarray(0, 7)), rawCodec)));
    expect(error.code).to.equal(Code.Internal);
  });
});
