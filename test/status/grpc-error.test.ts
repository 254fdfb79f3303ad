import { expect } from "chai";
import { Metadata } from "../../src/metadata/metadata.js";
import { Code } from "../../src/status/code.js";
import { GrpcError, describeError } from "../../src/status/grpc-error.js";
import { encodeStatusDetails } from "../../src/status/status-details.js";

describe("GrpcError", () => {
  it("carries code, message, metadata, details and cause", () => {
    const metadata = new Metadata().set("x", "1");
    const details = new Uint8Array([0x08, 0x05]);
    const cause = new Error("inner");
    const error = new GrpcError(Code.NotFound, "no such thing", { metadata, details, cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal("GrpcError");
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("no such thing");
    expect(error.message).to.equal("NOT_FOUND: no such thing");
    expect(error.metadata).to.equal(metadata);
    expect(error.details).to.equal(details);
    expect(error.cause).to.equal(cause);
  });

  it("defaults to empty metadata and no details or cause", () => {
    const error = new GrpcError(Code.Internal, "x");
    expect(error.metadata.size).to.equal(0);
    expect(error.details).to.equal(undefined);
    expect("cause" in error).to.equal(false);
    expect(error.statusDetails).to.equal(undefined);
  });

  it("refuses Code.Ok: OK is never an error", () => expect(() => new GrpcError(Code.Ok, "fine")).to.throw(RangeError));

  describe("statusDetails", () => {
    it("decodes details as a google.rpc.Status", () => {
      const status = {
        code: Code.InvalidArgument,
        message: "bad",
        details: [{ typeUrl: "type.googleapis.com/x.Y", value: new Uint8Array([1]) }],
      };
      const error = new GrpcError(Code.InvalidArgument, "bad", { details: encodeStatusDetails(status) });
      expect(error.statusDetails?.code).to.equal(Code.InvalidArgument);
      expect(error.statusDetails?.message).to.equal("bad");
      expect(error.statusDetails?.details[0]?.typeUrl).to.equal("type.googleapis.com/x.Y");
      expect(error.statusDetails).to.equal(error.statusDetails, "decoded once, then cached");
    });

    it("is undefined for malformed details", () =>
      expect(new GrpcError(Code.Internal, "x", { details: new Uint8Array([0x08]) }).statusDetails).to.equal(undefined));
  });

  describe("from", () => {
    it("returns a GrpcError as it is", () => {
      const error = new GrpcError(Code.Aborted, "x");
      expect(GrpcError.from(error)).to.equal(error);
    });
    const foreign: unknown[] = [new Error("secret"), "string", 42, undefined, null, { code: 5 }];
    for (const value of foreign)
      it(`wraps ${String(value)} as UNKNOWN with a generic message, keeping it as cause`, () => {
        const error = GrpcError.from(value);
        expect(error.code).to.equal(Code.Unknown);
        expect(error.statusMessage).to.equal("unexpected error");
        expect(error.message).not.to.include("secret");
        expect(error.cause).to.equal(value);
      });
    it("uses a given code and message", () => {
      const error = GrpcError.from(new Error("x"), Code.Unavailable, "connection refused");
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.equal("connection refused");
    });
  });
});

describe("describeError", () => {
  for (const [value, text] of [
    [new Error("boom"), "boom"],
    [new TypeError("bad type"), "bad type"],
    ["plain text", "plain text"],
    [42, "42"],
    [undefined, "undefined"],
    [null, "null"],
  ] as const)
    it(`reads ${String(value)} as ${JSON.stringify(text)}`, () => expect(describeError(value)).to.equal(text));
});
