import { expect } from "chai";
import protobuf from "protobufjs";
import { protobufCodec, rawCodec } from "../../src/codec/index.js";
import { deflate, gzip, identity } from "../../src/compression/index.js";
import { FrameDecoder, encodeFrame } from "../../src/framing/index.js";
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

  describe("a codec with encodeAt (the message written straight into its frame)", () => {
    const Item = protobuf.parse(`syntax = "proto3"; message Item { bytes data = 1; }`).root.lookupType("Item");
    const codec = protobufCodec(Item);

    it("gives the same frame as encode + encodeFrame, header filled in", () => {
      const value = { data: new Uint8Array(300).fill(7) };
      const frame = encodeMessage(value, codec) as Uint8Array;
      expect([...frame]).to.deep.equal([...encodeFrame(codec.encode(value))]);
      expect([...frame.subarray(0, 5)]).to.deep.equal([0, 0, 0, 0x01, 0x2f]); // 303 = tag (1) + length varint (2) + 300
    });

    it("checks the send limit on the payload, not the frame", async () => {
      const value = { data: new Uint8Array(8) }; // 10 bytes encoded
      expect((encodeMessage(value, codec, { maxBytes: 10 }) as Uint8Array).length).to.equal(15);
      expect((await grpcErrorOf(() => encodeMessage(value, codec, { maxBytes: 9 }))).code).to.equal(Code.ResourceExhausted);
    });

    it("is not used when compressing (the compressor needs the bare message)", async () => {
      const value = { data: new Uint8Array(1000) };
      const frame = await encodeMessage(value, codec, { compression: gzip });
      expect(frame[0]).to.equal(1);
      const [decoded] = new FrameDecoder().push(frame);
      expect([...(await gzip.decompress(decoded!.payload, Infinity))]).to.deep.equal([...codec.encode(value)]);
    });
  });

  it("lets codec errors through", async () =>
    expect((await grpcErrorOf(() => encodeMessage("x" as never, rawCodec))).code).to.equal(Code.Internal));
});
