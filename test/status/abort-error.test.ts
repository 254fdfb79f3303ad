import { expect } from "chai";
import { abortError } from "../../src/status/abort-error.js";
import { Code } from "../../src/status/code.js";
import { GrpcError } from "../../src/status/grpc-error.js";

describe("abortError", () => {
  it("is the signal's reason when that is a GrpcError", () => {
    const reason = new GrpcError(Code.DeadlineExceeded, "deadline: exceeded");
    expect(abortError(AbortSignal.abort(reason))).to.equal(reason);
  });

  it("is CANCELLED naming what aborted, the reason kept as cause", () => {
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    controller.abort(reason);
    const error = abortError(controller.signal);
    expect(error.code).to.equal(Code.Cancelled);
    expect(error.statusMessage).to.equal("cancelled: the call's signal aborted");
    expect(error.cause).to.equal(reason);
    expect(abortError(controller.signal, "parent call").statusMessage).to.equal("cancelled: the call's parent call aborted");
  });

  it("is CANCELLED for a signal aborted without a reason (a DOMException AbortError)", () => {
    const error = abortError(AbortSignal.abort());
    expect(error.code).to.equal(Code.Cancelled);
    expect(error.cause).to.have.property("name", "AbortError");
  });
});
