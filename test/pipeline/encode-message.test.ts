import { expect } from "chai";
import { rawCodec } from "../../src/codec/index.js";
import { deflate, gzip, identity } from "../../src/compression/index.js";
import { FrameDecoder } from "../../src/framing/index.js";
import { encodeMessage } from "../../src/pipeline/index.js";
import { Code } from "../../src/status/index.js";
import { grpcErrorOf } from "./helpers.js";

describe("encodeMessage", () => {
  it("is synchronous and writes flag 0 without compression", () => {
    const frame = encodeMessage(Uint8Array.of(1, 2), rawCodec);
    expect(frame).to.be.instanceOf(Uint8Array);
    expect([...(frame as Uint8Array)]).to.deep.equal([0, 0, 0, 0, 2, 1, 2]);
  });

  it("treats identity as no compression (synchronous, flag 0)", () => {
    const frame = encodeMessage(Uint8Array.of(3), rawCodec, { compression: identity });
    expect([...(frame as Uint8Array)]).to.deep.equal([0, 0, 0, 0, 1, 3]);
  });

  for (const compression of [gzip, deflate])
    it(`checklist 26: ${compression.name} gives a promise of a frame with flag 1 and the compressed payload`, async () => {
      const message = new Uint8Array(500).fill(9);
      const pending = encodeMessage(message, rawCodec, { compression });
      expect(pending).to.be.instanceOf(Promise);
      const [frame] = new FrameDecoder().push(await pending);
      expect(frame!.compressed).to.equal(true);
      expect([...(await compression.decompress(frame!.payload, 500))]).to.deep.equal([...message]);
    });

  describe("send limit (RESOURCE_EXHAUSTED)", () => {
    const cases: [number, number, boolean][] = [
      [10, 10, true],
      [11, 10, false],
      [0, 0, true],
      [1, 0, false],
    ];
    for (const [length, maxBytes, accepted] of cases)
      it(`${length} bytes with limit ${maxBytes}: ${accepted ? "sent" : "refused"}`, async () => {
        const encode = () => encodeMessage(new Uint8Array(length), rawCodec, { maxBytes });
        if (accepted) expect((encode() as Uint8Array).length).to.equal(length + 5);
        else expect((await grpcErrorOf(encode)).code).to.equal(Code.ResourceExhausted);
      });

    it("applies to the compressed size", async () => {
      const message = new Uint8Array(10_000);
      const frame = await encodeMessage(message, rawCodec, { compression: gzip, maxBytes: 1000 });
      expect(frame.length).to.be.lessThan(1000);
      const error = await grpcErrorOf(() => encodeMessage(message, rawCodec, { compression: gzip, maxBytes: 10 }));
      expect(error.code).to.equal(Code.ResourceExhausted);
    });
  });

  it("lets codec errors through", async () =>
    expect((await grpcErrorOf(() => encodeMessage("x" as never, rawCodec))).code).to.equal(Code.Internal));
});
