import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { expect } from "chai";
import { Metadata } from "../../src/index.js";
import { metadataGetter, metadataSetter } from "../../src/otel/index.js";

describe("otel/metadata carrier", () => {
  const propagator = new W3CTraceContextPropagator();
  const spanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };

  it("injects traceparent and tracestate into metadata and extracts them back", () => {
    const metadata = new Metadata();
    const withState = trace.setSpanContext(ROOT_CONTEXT, {
      ...spanContext,
      traceState: { serialize: () => "vendor=value", get: () => undefined, set: () => undefined as never, unset: () => undefined as never },
    });
    propagator.inject(withState, metadata, metadataSetter);
    expect(metadata.get("traceparent")).to.equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(metadata.get("tracestate")).to.equal("vendor=value");
    const extracted = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, metadata, metadataGetter));
    expect(extracted).to.include({ traceId: spanContext.traceId, spanId: spanContext.spanId, traceFlags: 1, isRemote: true });
  });

  it("reads keys case-insensitively, skips binary values, and joins nothing it was not given", () => {
    const metadata = new Metadata()
      .set("x-bin", new Uint8Array([1]))
      .add("multi", "a")
      .add("multi", "b");
    expect(metadataGetter.get(metadata, "MULTI")).to.deep.equal(["a", "b"]);
    expect(metadataGetter.get(metadata, "x-bin")).to.equal(undefined);
    expect(metadataGetter.get(metadata, "absent")).to.equal(undefined);
    expect(metadataGetter.keys(metadata)).to.deep.equal(["x-bin", "multi"]);
  });

  it("skips a field gRPC metadata cannot carry instead of failing the call", () => {
    const metadata = new Metadata();
    metadataSetter.set(metadata, "grpc-status", "0");
    metadataSetter.set(metadata, "bad key", "x");
    metadataSetter.set(metadata, "ok", "line\nbreak");
    metadataSetter.set(metadata, "Fine", "yes");
    expect([...metadata.keys()]).to.deep.equal(["fine"]);
  });

  it("a malformed traceparent extracts no parent", () => {
    const metadata = new Metadata().set("traceparent", "00-zz-b7ad6b7169203331-01");
    expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, metadata, metadataGetter))).to.equal(undefined);
  });
});
