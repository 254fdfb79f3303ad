import { expect } from "chai";
import { isMethodKind, methodKindFromStreaming } from "../../src/service/index.js";

describe("method kind", () => {
  const cases: [boolean, boolean, string][] = [
    [false, false, "unary"],
    [false, true, "server_streaming"],
    [true, false, "client_streaming"],
    [true, true, "bidi_streaming"],
  ];
  for (const [requestStream, responseStream, kind] of cases)
    it(`request stream ${requestStream}, response stream ${responseStream}: ${kind}`, () => {
      expect(methodKindFromStreaming(requestStream, responseStream)).to.equal(kind);
      expect(isMethodKind(kind)).to.equal(true);
    });

  for (const value of ["Unary", "bidi", "", undefined, 0])
    it(`${JSON.stringify(value)} is not a kind`, () => expect(isMethodKind(value)).to.equal(false));
});
