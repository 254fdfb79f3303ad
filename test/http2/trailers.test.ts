import { expect } from "chai";
import { statusFromTrailers, trailersFromStatus } from "../../src/http2/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

describe("http2/trailersFromStatus (checklist 11, 13)", () => {
  it("writes grpc-status 0 and the call's trailers for OK", () => {
    expect(trailersFromStatus(undefined, new Metadata().set("x-t", "1"))).to.deep.equal({ "x-t": "1", "grpc-status": "0" });
  });

  it("writes code, percent-encoded message, details and both sets of trailers for an error", () => {
    const error = new GrpcError(Code.NotFound, "missing 100% ✓", {
      metadata: new Metadata().set("x-e", "e").set("x-t", "2"),
      details: new Uint8Array([1, 2]),
    });
    expect(trailersFromStatus(error, new Metadata().set("x-t", "1"))).to.deep.equal({
      "x-t": ["1", "2"],
      "x-e": "e",
      "grpc-status": "5",
      "grpc-message": "missing 100%25 %E2%9C%93",
      "grpc-status-details-bin": "AQI",
    });
  });

  it("leaves out an empty message and missing details", () => {
    expect(trailersFromStatus(new GrpcError(Code.Internal, ""), undefined)).to.deep.equal({ "grpc-status": "13" });
  });

  it("adds to a given header object (trailers-only responses)", () => {
    const headers = { ":status": 200 };
    expect(trailersFromStatus(undefined, undefined, headers))
      .to.equal(headers)
      .and.deep.equal({ ":status": 200, "grpc-status": "0" });
  });
});

describe("http2/statusFromTrailers (checklist 13, 14)", () => {
  it("is undefined for grpc-status 0", () => expect(statusFromTrailers({ "grpc-status": "0" })).to.equal(undefined));

  it("reads code, decoded message, metadata and details", () => {
    const error = statusFromTrailers({ "grpc-status": "5", "grpc-message": "a%20b%25", "grpc-status-details-bin": "AQI", "x-t": "1" })!;
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("a b%");
    expect(error.metadata.get("x-t")).to.equal("1");
    expect(error.metadata.has("grpc-status")).to.equal(false);
    expect([...error.details!]).to.deep.equal([1, 2]);
  });

  it("keeps a broken escape as it is", () =>
    expect(statusFromTrailers({ "grpc-status": "2", "grpc-message": "50%" })!.statusMessage).to.equal("50%"));

  it("drops details that are not base64", () =>
    expect(statusFromTrailers({ "grpc-status": "2", "grpc-status-details-bin": "!" })!.details).to.equal(undefined));

  for (const status of ["17", "-1", "01", "1.0", "abc", ""])
    it(`reads the invalid grpc-status ${JSON.stringify(status)} as UNKNOWN`, () =>
      expect(statusFromTrailers({ "grpc-status": status })!.code).to.equal(Code.Unknown));

  for (const [http, code] of [
    [400, Code.Internal],
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [429, Code.Unavailable],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    [500, Code.Unknown],
  ] as const)
    it(`maps HTTP ${http} without grpc-status to ${Code[code]}`, () => expect(statusFromTrailers({}, http)!.code).to.equal(code));

  it("reads a 200 (or no HTTP status) without grpc-status as UNKNOWN", () => {
    expect(statusFromTrailers({}, 200)!.code).to.equal(Code.Unknown);
    expect(statusFromTrailers({})!.code).to.equal(Code.Unknown);
  });

  it("prefers grpc-status over the HTTP status", () => expect(statusFromTrailers({ "grpc-status": "0" }, 503)).to.equal(undefined));

  it("round-trips trailersFromStatus", () => {
    const sent = new GrpcError(Code.Aborted, "retry ✓ later", { details: new Uint8Array([7]) });
    const received = statusFromTrailers(
      trailersFromStatus(sent, new Metadata().set("x-a-bin", new Uint8Array([1]))) as Record<string, string>,
    )!;
    expect(received.code).to.equal(Code.Aborted);
    expect(received.statusMessage).to.equal("retry ✓ later");
    expect([...(received.metadata.get("x-a-bin") as Uint8Array)]).to.deep.equal([1]);
  });
});
