import { expect } from "chai";
import { rawCodec, type Codec } from "../../src/codec/index.js";
import { deflate, gzip, identity } from "../../src/compression/index.js";
import { decodeMessage } from "../../src/pipeline/index.js";
import { Code } from "../../src/status/index.js";
import { grpcErrorOf } from "./helpers.js";

const text: Codec<string> = {
  encode: (value) => new TextEncoder().encode(value),
  decode: (bytes) => new TextDecoder().decode(bytes),
};

describe("decodeMessage", () => {
  it("is synchronous for an uncompressed frame", () => {
    const payload = new TextEncoder().encode("hi");
    expect(decodeMessage({ compressed: false, payload }, text, { maxBytes: 100 })).to.equal("hi");
  });

  it("checklist 26: a message sent uncompressed on a gzip call (per-message opt-out) decodes as it is", () => {
    const payload = new TextEncoder().encode("not compressed");
    expect(decodeMessage({ compressed: false, payload }, text, { maxBytes: 100, compression: gzip })).to.equal("not compressed");
  });

  for (const compression of [gzip, deflate])
    it(`decompresses a flagged frame with ${compression.name}`, async () => {
      const payload = await compression.compress(new TextEncoder().encode("compressed text"));
      const result = decodeMessage({ compressed: true, payload }, text, { maxBytes: 100, compression });
      expect(result).to.be.instanceOf(Promise);
      expect(await result).to.equal("compressed text");
    });

  describe("checklist 9: compressed flag without a non-identity grpc-encoding is INTERNAL", () => {
    for (const [name, compression] of [
      ["absent", undefined],
      ["identity", identity],
    ] as const)
      it(`grpc-encoding ${name}`, async () => {
        const error = await grpcErrorOf(() =>
          decodeMessage({ compressed: true, payload: Uint8Array.of(1) }, rawCodec, { maxBytes: 100, compression }),
        );
        expect(error.code).to.equal(Code.Internal);
        expect(error.statusMessage).to.include("compressed flag");
      });
  });

  describe("checklist 10: the receive limit applies before and after decompression (RESOURCE_EXHAUSTED)", () => {
    const cases: [string, boolean, number, number, boolean][] = [
      // name, compressed, message length, limit, accepted
      ["uncompressed at the limit", false, 100, 100, true],
      ["uncompressed over the limit", false, 101, 100, false],
      ["gzip: small on the wire, at the limit decompressed", true, 100, 100, true],
      ["gzip: small on the wire, over the limit decompressed", true, 101, 100, false],
    ];
    for (const [name, compressed, length, maxBytes, accepted] of cases)
      it(name, async () => {
        const message = new Uint8Array(length);
        const payload = compressed ? await gzip.compress(message) : message;
        if (compressed) expect(payload.length).to.be.lessThan(maxBytes);
        const decode = () => decodeMessage({ compressed, payload }, rawCodec, { maxBytes, compression: gzip });
        if (accepted) expect((await decode()).length).to.equal(length);
        else expect((await grpcErrorOf(decode)).code).to.equal(Code.ResourceExhausted);
      });

    it("a compressed payload already over the limit is refused before decompressing", async () => {
      const payload = new Uint8Array(200); // not even valid gzip: the size check comes first
      const error = await grpcErrorOf(() => decodeMessage({ compressed: true, payload }, rawCodec, { maxBytes: 100, compression: gzip }));
      expect(error.code).to.equal(Code.ResourceExhausted);
    });
  });

  it("checklist 26: corrupt compressed data is INTERNAL", async () => {
    const error = await grpcErrorOf(() =>
      decodeMessage({ compressed: true, payload: Uint8Array.of(1, 2, 3) }, rawCodec, { maxBytes: 100, compression: deflate }),
    );
    expect(error.code).to.equal(Code.Internal);
    expect(error.statusMessage).to.include("deflate");
  });
});
