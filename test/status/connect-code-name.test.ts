import { expect } from "chai";
import { Code } from "../../src/status/code.js";
import { codeFromConnectName, connectCodeName } from "../../src/status/connect-code-name.js";

describe("status: Connect code names", () => {
  // The table of https://connectrpc.com/docs/protocol#error-codes, spelled out.
  const names: [Code, string][] = [
    [Code.Cancelled, "canceled"],
    [Code.Unknown, "unknown"],
    [Code.InvalidArgument, "invalid_argument"],
    [Code.DeadlineExceeded, "deadline_exceeded"],
    [Code.NotFound, "not_found"],
    [Code.AlreadyExists, "already_exists"],
    [Code.PermissionDenied, "permission_denied"],
    [Code.ResourceExhausted, "resource_exhausted"],
    [Code.FailedPrecondition, "failed_precondition"],
    [Code.Aborted, "aborted"],
    [Code.OutOfRange, "out_of_range"],
    [Code.Unimplemented, "unimplemented"],
    [Code.Internal, "internal"],
    [Code.Unavailable, "unavailable"],
    [Code.DataLoss, "data_loss"],
    [Code.Unauthenticated, "unauthenticated"],
  ];
  for (const [code, name] of names)
    it(`${code} is "${name}" both ways`, () => {
      expect(connectCodeName(code)).to.equal(name);
      expect(codeFromConnectName(name)).to.equal(code);
    });

  it('OK is named "ok", but "ok" is no error code', () => {
    expect(connectCodeName(Code.Ok)).to.equal("ok");
    expect(codeFromConnectName("ok")).to.equal(undefined);
  });

  it('a number outside the 17 codes is named "unknown"', () => {
    for (const code of [-1, 17, 1.5, Number.NaN]) expect(connectCodeName(code as Code), String(code)).to.equal("unknown");
  });

  it("reads only the exact lowercase names", () => {
    for (const name of ["cancelled", "CANCELED", "NOT_FOUND", "Not_Found", " unavailable", "", "code_17", "toString", "0", "1"])
      expect(codeFromConnectName(name), JSON.stringify(name)).to.equal(undefined);
  });

  it("reads nothing from a value that is not a string", () => {
    for (const value of [1, null, undefined, {}, ["unavailable"], true])
      expect(codeFromConnectName(value), String(value)).to.equal(undefined);
  });
});
