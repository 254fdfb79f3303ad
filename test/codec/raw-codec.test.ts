import { expect } from "chai";
import { rawCodec } from "../../src/codec/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

describe("rawCodec", () => {
  for (const bytes of [new Uint8Array(0), Uint8Array.of(1, 2, 3), Buffer.from("buffers are bytes too")])
    it(`passes ${bytes.length} bytes through without copying`, () => {
      expect(rawCodec.encode(bytes)).to.equal(bytes);
      expect(rawCodec.decode(bytes)).to.equal(bytes);
    });

  for (const value of ["text", 5, null, [1, 2]])
    it(`refuses to send ${JSON.stringify(value)} (INTERNAL)`, () =>
      expect(() => rawCodec.encode(value as never))
        .to.throw(GrpcError)
        .with.property("code", Code.Internal));
});
