import { expect } from "chai";
import {
  acceptEncodingHeader,
  compressionForReceive,
  compressionForSend,
  deflate,
  DEFAULT_COMPRESSIONS,
  gzip,
  identity,
  parseEncodingList,
} from "../../src/compression/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

describe("checklist 26: compression negotiation", () => {
  describe("acceptEncodingHeader", () => {
    const cases: [string, readonly (typeof gzip)[], string][] = [
      ["defaults", DEFAULT_COMPRESSIONS, "identity,gzip,deflate"],
      ["none", [], "identity"],
      ["identity listed once", [identity, gzip], "identity,gzip"],
      ["duplicates dropped", [deflate, deflate], "identity,deflate"],
    ];
    for (const [name, available, expected] of cases) it(name, () => expect(acceptEncodingHeader(available)).to.equal(expected));
  });

  describe("parseEncodingList", () => {
    const cases: [string | undefined, string[]][] = [
      [undefined, []],
      ["", []],
      ["gzip", ["gzip"]],
      ["identity,deflate,gzip", ["identity", "deflate", "gzip"]],
      [" gzip , deflate ", ["gzip", "deflate"]],
      ["GZIP", ["gzip"]],
      ["gzip,,deflate,", ["gzip", "deflate"]],
      ["gzip;q=1.0, br", ["gzip", "br"]],
    ];
    for (const [header, expected] of cases)
      it(`parses ${JSON.stringify(header)}`, () => expect(parseEncodingList(header)).to.deep.equal(expected));
  });

  describe("compressionForReceive", () => {
    const cases: [string | undefined, typeof gzip | undefined][] = [
      [undefined, undefined],
      ["", undefined],
      ["identity", undefined],
      ["gzip", gzip],
      ["deflate", deflate],
      ["Gzip", gzip],
    ];
    for (const [encoding, expected] of cases)
      it(`grpc-encoding ${JSON.stringify(encoding)}`, () =>
        expect(compressionForReceive(encoding, DEFAULT_COMPRESSIONS)).to.equal(expected));

    for (const [encoding, available] of [
      ["snappy", DEFAULT_COMPRESSIONS],
      ["br", DEFAULT_COMPRESSIONS],
      ["gzip", [deflate]],
      ["deflate", []],
    ] as const)
      it(`grpc-encoding ${encoding} with [${available.map((c) => c.name)}] is UNIMPLEMENTED naming both`, () => {
        let caught: unknown;
        try {
          compressionForReceive(encoding, available);
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(GrpcError);
        expect((caught as GrpcError).code).to.equal(Code.Unimplemented);
        expect((caught as GrpcError).statusMessage)
          .to.include(encoding)
          .and.include(acceptEncodingHeader(available));
      });
  });

  describe("compressionForSend never picks an algorithm the peer did not list", () => {
    const cases: [string | undefined, string | undefined, typeof gzip | undefined][] = [
      [undefined, "gzip", undefined],
      ["identity", "gzip,identity", undefined],
      ["gzip", "identity,deflate,gzip", gzip],
      ["gzip", "gzip", gzip],
      ["deflate", "identity, deflate", deflate],
      ["gzip", "identity,deflate", undefined],
      ["gzip", "", undefined],
      ["gzip", undefined, undefined],
      ["deflate", "deflate-raw", undefined],
      ["GZIP", "gzip", gzip],
    ];
    for (const [wanted, peer, expected] of cases)
      it(`wanted ${wanted}, peer accepts ${JSON.stringify(peer)}: ${expected?.name ?? "uncompressed"}`, () =>
        expect(compressionForSend(wanted, peer, DEFAULT_COMPRESSIONS)).to.equal(expected));

    it("asking for an algorithm we don't have is a RangeError", () =>
      expect(() => compressionForSend("snappy", "snappy", DEFAULT_COMPRESSIONS)).to.throw(RangeError));
  });
});
