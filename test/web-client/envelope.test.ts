import { expect } from "chai";
import { Code, GrpcError } from "../../src/index.js";
import { Base64BodyDecoder, encodeBase64Body } from "../../src/web-client/base64-body.js";
import { EnvelopeDecoder, encodeEnvelope } from "../../src/web-client/envelope.js";
import { concat } from "../pipeline/helpers.js";
import { cuts } from "./helpers.js";

const encoder = new TextEncoder();

describe("web client: envelopes", () => {
  const body = concat(
    encodeEnvelope(0, new Uint8Array([1, 2, 3])),
    encodeEnvelope(0, new Uint8Array(0)),
    encodeEnvelope(0x80, encoder.encode("grpc-status: 0\r\n")),
  );

  it("decodes envelopes cut anywhere, with their flags", () => {
    for (const chunks of cuts(body)) {
      const decoder = new EnvelopeDecoder(100);
      const envelopes = chunks.flatMap((chunk) => decoder.push(chunk));
      decoder.end();
      expect(envelopes.map((envelope) => [envelope.flags, [...envelope.payload]])).to.deep.equal([
        [0, [1, 2, 3]],
        [0, []],
        [0x80, [...encoder.encode("grpc-status: 0\r\n")]],
      ]);
    }
  });

  it("checks the limit on the length prefix: RESOURCE_EXHAUSTED before the payload arrives", () => {
    const decoder = new EnvelopeDecoder(2);
    expect(() => decoder.push(encodeEnvelope(0, new Uint8Array(3)).subarray(0, 5)))
      .to.throw(GrpcError, /exceeds maxReceiveMessageBytes 2/)
      .with.property("code", Code.ResourceExhausted);
    expect(() => decoder.push(new Uint8Array(1))).to.throw(GrpcError);
  });

  it("an envelope cut short at the end is INTERNAL", () => {
    for (const cut of [1, 4, 5, 7]) {
      const decoder = new EnvelopeDecoder(100);
      decoder.push(encodeEnvelope(0, new Uint8Array(3)).subarray(0, cut));
      expect(() => decoder.end())
        .to.throw(GrpcError)
        .with.property("code", Code.Internal);
    }
  });

  it("rejects a limit that is not a size", () => {
    for (const limit of [-1, 1.5, Number.NaN]) expect(() => new EnvelopeDecoder(limit)).to.throw(RangeError);
  });
});

describe("web client: grpc-web-text bodies", () => {
  const bytes = new Uint8Array([0, 0, 0, 0, 1, 0xfe, 0x80, 0, 0, 0, 0]);

  it("encodes requests as padded base64", () => {
    expect(encodeBase64Body(new Uint8Array([1]))).to.equal("AQ==");
    expect(encodeBase64Body(new Uint8Array([1, 2]))).to.equal("AQI=");
    expect(encodeBase64Body(new Uint8Array([1, 2, 3]))).to.equal("AQID");
  });

  it("decodes base64 cut anywhere, with padding in the middle (separately encoded parts)", () => {
    // Three parts, each encoded on its own as a server may send them.
    const text = encoder.encode(
      encodeBase64Body(bytes.subarray(0, 6)) + encodeBase64Body(bytes.subarray(6, 7)) + encodeBase64Body(bytes.subarray(7)),
    );
    for (const chunks of cuts(text)) {
      const decoder = new Base64BodyDecoder();
      const out = concat(...chunks.map((chunk) => decoder.push(chunk)), decoder.end());
      expect([...out]).to.deep.equal([...bytes]);
    }
  });

  it("accepts an unpadded end", () => {
    const decoder = new Base64BodyDecoder();
    expect([...concat(decoder.push(encoder.encode("AQI")), decoder.end())]).to.deep.equal([1, 2]);
  });

  for (const text of ["AQ=I", "A", "AQ*=", "=AAA", "AQI\n"])
    it(`rejects ${JSON.stringify(text)} with INTERNAL`, () => {
      const decoder = new Base64BodyDecoder();
      expect(() => {
        decoder.push(encoder.encode(text));
        decoder.end();
      })
        .to.throw(GrpcError, /not base64/)
        .with.property("code", Code.Internal);
    });
});
