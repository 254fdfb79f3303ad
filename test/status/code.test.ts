import { expect } from "chai";
import fc from "fast-check";
import { Code, codeName, isCode, parseStatusCode } from "../../src/status/code.js";

describe("Code and codeName", () => {
  const names: [Code, string][] = [
    [Code.Ok, "OK"],
    [Code.Cancelled, "CANCELLED"],
    [Code.Unknown, "UNKNOWN"],
    [Code.InvalidArgument, "INVALID_ARGUMENT"],
    [Code.DeadlineExceeded, "DEADLINE_EXCEEDED"],
    [Code.NotFound, "NOT_FOUND"],
    [Code.AlreadyExists, "ALREADY_EXISTS"],
    [Code.PermissionDenied, "PERMISSION_DENIED"],
    [Code.ResourceExhausted, "RESOURCE_EXHAUSTED"],
    [Code.FailedPrecondition, "FAILED_PRECONDITION"],
    [Code.Aborted, "ABORTED"],
    [Code.OutOfRange, "OUT_OF_RANGE"],
    [Code.Unimplemented, "UNIMPLEMENTED"],
    [Code.Internal, "INTERNAL"],
    [Code.Unavailable, "UNAVAILABLE"],
    [Code.DataLoss, "DATA_LOSS"],
    [Code.Unauthenticated, "UNAUTHENTICATED"],
  ];
  names.forEach(([code, name], index) => {
    it(`${code} is ${name}`, () => {
      expect(code).to.equal(index);
      expect(codeName(code)).to.equal(name);
      expect(isCode(code)).to.equal(true);
    });
  });
  for (const value of [-1, 17, 1.5, NaN, 100])
    it(`${value} is not a code`, () => {
      expect(isCode(value)).to.equal(false);
      expect(codeName(value)).to.equal(`CODE_${value}`);
    });
});

describe("checklist 13: grpc-status is decimal with no leading zeros", () => {
  for (let code = 0; code <= 16; code++) it(`parses "${code}"`, () => expect(parseStatusCode(String(code))).to.equal(code));
  const invalid = [undefined, "", "00", "01", "007", "+1", "-1", " 1", "1 ", "1.0", "1e1", "0x1", "17", "99", "999", "1000", "٣", "one"];
  for (const value of invalid)
    it(`gives undefined (caller reports UNKNOWN) for ${JSON.stringify(value)}`, () => expect(parseStatusCode(value)).to.equal(undefined));

  it("never returns anything but a defined code or undefined (property-based)", () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), (value) => {
        const code = parseStatusCode(value);
        if (code === undefined) return;
        expect(String(code)).to.equal(value);
        expect(isCode(code)).to.equal(true);
      }),
    ));
});
