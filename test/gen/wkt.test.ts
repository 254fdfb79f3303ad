// The well-known type helpers and rich errors of tsgrpc/wkt.
import { expect } from "chai";
import { Channel, Code, GrpcError, Server, createClient, defineService } from "../../src/index.js";
import {
  Any,
  BadRequest,
  Duration,
  ErrorInfo,
  RetryInfo,
  Timestamp,
  anyIs,
  anyPack,
  anyUnpack,
  durationFromMs,
  durationToMs,
  findDetail,
  findDetails,
  richError,
  timestampFromDate,
  timestampNow,
  timestampToDate,
} from "../../src/wkt/index.js";

describe("wkt: helpers", () => {
  it("Timestamp <-> Date, before and after the epoch", () => {
    for (const ms of [0, 1, 999, 1000, 1_700_000_000_123, -1, -1500]) {
      const timestamp = timestampFromDate(new Date(ms));
      expect(timestamp.nanos).to.be.within(0, 999_999_999);
      expect(timestampToDate(timestamp).getTime()).to.equal(ms);
    }
    expect(timestampFromDate(new Date(-1500))).to.deep.equal({ seconds: -2n, nanos: 500_000_000 });
    expect(Timestamp.decode(Timestamp.encode(timestampNow())).seconds > 0n).to.equal(true);
    expect(() => timestampFromDate(new Date(Number.NaN))).to.throw(RangeError);
  });

  it("Duration <-> milliseconds, seconds and nanos of the same sign", () => {
    expect(durationFromMs(1500)).to.deep.equal({ seconds: 1n, nanos: 500_000_000 });
    expect(durationFromMs(-1500)).to.deep.equal({ seconds: -1n, nanos: -500_000_000 });
    expect(durationFromMs(0.001)).to.deep.equal({ seconds: 0n, nanos: 1000 });
    for (const ms of [0, 1, 1500, -1500, 86_400_000])
      expect(durationToMs(Duration.decode(Duration.encode(durationFromMs(ms))))).to.equal(ms);
    expect(() => durationFromMs(Number.POSITIVE_INFINITY)).to.throw(RangeError);
  });

  it("Any pack, is and unpack", () => {
    const packed = anyPack(ErrorInfo, { reason: "QUOTA", domain: "example.com", metadata: { a: "b" } });
    expect(packed.typeUrl).to.equal("type.googleapis.com/google.rpc.ErrorInfo");
    const any = Any.decode(Any.encode(packed));
    expect(anyIs(any, ErrorInfo)).to.equal(true);
    expect(anyIs(any, BadRequest)).to.equal(false);
    expect(anyUnpack(any, ErrorInfo)).to.deep.equal({ reason: "QUOTA", domain: "example.com", metadata: { a: "b" } });
    expect(anyUnpack(any, BadRequest)).to.equal(undefined);
    expect(anyPack(RetryInfo, {}, "example.com/types").typeUrl).to.equal("example.com/types/google.rpc.RetryInfo");
  });

  it("richError attaches typed details that findDetail finds again", () => {
    const error = richError(Code.InvalidArgument, "bad request", [
      anyPack(BadRequest, { fieldViolations: [{ field: "name", description: "empty" }] }),
      anyPack(RetryInfo, { retryDelay: durationFromMs(2000) }),
    ]);
    expect(error.code).to.equal(Code.InvalidArgument);
    expect(error.statusDetails?.code).to.equal(Code.InvalidArgument);
    expect(findDetail(error, BadRequest)?.fieldViolations).to.deep.equal([{ field: "name", description: "empty" }]);
    expect(findDetail(error, RetryInfo)?.retryDelay).to.deep.equal({ seconds: 2n, nanos: 0 });
    expect(findDetail(error, ErrorInfo)).to.equal(undefined);
    expect(findDetails(new GrpcError(Code.Internal, "no details"), BadRequest)).to.deep.equal([]);
    expect(findDetails(new GrpcError(Code.Internal, "bad", { details: Uint8Array.of(0xff) }), BadRequest)).to.deep.equal([]);
  });

  it("rich details travel from a handler to the client", async () => {
    const Checker = defineService("test.Checker", { check: { kind: "unary", requestCodec: Timestamp, responseCodec: Timestamp } });
    const server = new Server();
    server.add(Checker, {
      check() {
        throw richError(Code.FailedPrecondition, "not yet", [anyPack(ErrorInfo, { reason: "TOO_EARLY", domain: "test" })]);
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      await createClient(Checker, channel).check({});
      expect.fail("no error");
    } catch (error) {
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.FailedPrecondition);
      expect(findDetail(error as GrpcError, ErrorInfo)).to.deep.equal({ reason: "TOO_EARLY", domain: "test", metadata: {} });
    } finally {
      channel.close();
      await server.forceShutdown();
    }
  });
});

describe("wkt: generated descriptor.proto reads real descriptors", () => {
  it("decodes every embedded FileDescriptorProto and re-encodes every field of it", async () => {
    const wkt = await import("../../src/wkt/index.js");
    const embedded = Object.entries(wkt).filter(([name]) => name.startsWith("file_")) as [string, Uint8Array][];
    expect(embedded.length).to.equal(13);
    for (const [name, bytes] of embedded) {
      const file = wkt.FileDescriptorProto.decode(bytes);
      expect(file.name, name).to.match(/^google\/(protobuf|rpc)\/[a-z_]+\.proto$/);
      expect(file.messageType.length + file.enumType.length, name).to.be.greaterThan(0);
      // The same fields back, every one of them (the same length), though not in protoc's order:
      // generated code writes fields in declaration order, protoc in number order, and
      // descriptor.proto declares json_name (10) before options (8).
      const again = wkt.FileDescriptorProto.encode(file);
      expect(again.length, name).to.equal(bytes.length);
      expect(wkt.FileDescriptorProto.decode(again), name).to.deep.equal(file);
    }
    const descriptorFile = wkt.FileDescriptorProto.decode(wkt.file_google_protobuf_descriptor);
    const field = descriptorFile.messageType.find((message) => message.name === "FieldDescriptorProto");
    expect(field?.enumType.map((each) => each.name)).to.deep.equal(["Type", "Label"]);
  });
});
