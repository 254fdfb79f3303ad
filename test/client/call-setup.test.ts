import { expect } from "chai";
import { finalError, receiveCompressionError } from "../../src/client/call-setup.js";
import { Code, GrpcError } from "../../src/status/index.js";

describe("client/call-setup", () => {
  it("checklist 20: a CANCELLED after the call's own deadline is DEADLINE_EXCEEDED", () => {
    const cancelled = new GrpcError(Code.Cancelled, "RST_STREAM CANCEL");
    expect(finalError(cancelled, Date.now() - 1).code).to.equal(Code.DeadlineExceeded);
    expect(finalError(cancelled, Date.now() + 60_000).code).to.equal(Code.Cancelled);
    expect(finalError(cancelled, undefined).code).to.equal(Code.Cancelled);
    expect(finalError(new GrpcError(Code.Internal, "x"), Date.now() - 1).code).to.equal(Code.Internal);
  });

  it("wraps a foreign error as UNKNOWN", () => {
    expect(finalError(new Error("boom"), undefined).code).to.equal(Code.Unknown);
  });

  it("reports a response in an unknown encoding as INTERNAL", () => {
    expect(receiveCompressionError(new GrpcError(Code.Unimplemented, "snappy")).code).to.equal(Code.Internal);
    expect(receiveCompressionError(new GrpcError(Code.ResourceExhausted, "big")).code).to.equal(Code.ResourceExhausted);
  });
});
