import { expect } from "chai";
import { Code, codeName } from "../../src/status/code.js";
import { codeFromHttpStatus } from "../../src/status/code-from-http-status.js";

describe("checklist 14: HTTP status to code when grpc-status is missing", () => {
  const mapped: [number, Code][] = [
    [400, Code.Internal],
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [429, Code.Unavailable],
    [431, Code.Internal],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    // 200 without grpc-status: a true OK always carries one.
    [200, Code.Unknown],
    // 1xx blocks are skipped by the client; if ever asked, UNKNOWN.
    [100, Code.Unknown],
    [103, Code.Unknown],
    [204, Code.Unknown],
    [301, Code.Unknown],
    [402, Code.Unknown],
    [405, Code.Unknown],
    [415, Code.Unknown],
    [500, Code.Unknown],
    [505, Code.Unknown],
    [0, Code.Unknown],
    [999, Code.Unknown],
  ];
  for (const [httpStatus, code] of mapped)
    it(`${httpStatus} is ${codeName(code)}`, () => expect(codeFromHttpStatus(httpStatus)).to.equal(code));

  it("maps only the nine listed statuses to something other than UNKNOWN", () => {
    const special: number[] = [];
    for (let status = 100; status < 600; status++) if (codeFromHttpStatus(status) !== Code.Unknown) special.push(status);
    expect(special).to.deep.equal([400, 401, 403, 404, 429, 431, 502, 503, 504]);
  });
});
