import { expect } from "chai";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import protobuf from "protobufjs";
import { loadService, serviceFromProtobuf } from "../../src/service/index.js";

/** The project root: the nearest folder above this file holding package.json (works from dist/ and .build/NAME/). */

const root = protobuf.parse(`
  syntax = "proto3";
  package demo.v1;
  message Req { string text = 1; }
  message Res { string text = 1; int64 n = 2; }
  service Echo {
    rpc Say(Req) returns (Res);
    rpc Count(Req) returns (stream Res);
    rpc Collect(stream Req) returns (Res);
    rpc Chat(stream Req) returns (stream Res);
    rpc getLower(Req) returns (Req);
  }
`).root;

describe("serviceFromProtobuf", () => {
  const service = serviceFromProtobuf(root.lookupService("demo.v1.Echo"));

  it("takes the full name without the leading dot", () => expect(service.name).to.equal("demo.v1.Echo"));

  const cases: [string, string, string, string][] = [
    ["say", "Say", "/demo.v1.Echo/Say", "unary"],
    ["count", "Count", "/demo.v1.Echo/Count", "server_streaming"],
    ["collect", "Collect", "/demo.v1.Echo/Collect", "client_streaming"],
    ["chat", "Chat", "/demo.v1.Echo/Chat", "bidi_streaming"],
    ["getLower", "getLower", "/demo.v1.Echo/getLower", "unary"],
  ];
  for (const [localName, name, path, kind] of cases)
    it(`${localName}: ${path} ${kind}`, () => expect(service.methods[localName]).to.include({ name, localName, path, kind }));

  it("gives each method working codecs, shared per message type", () => {
    const say = service.methods["say"]!;
    expect(say.requestCodec.decode(say.requestCodec.encode({ text: "hi" }))).to.include({ text: "hi" });
    expect(service.methods["count"]!.requestCodec).to.equal(say.requestCodec);
    expect(service.methods["count"]!.responseCodec).to.equal(say.responseCodec);
  });

  it("passes toObject options to its codecs", () => {
    const plain = serviceFromProtobuf(root.lookupService("demo.v1.Echo"), { toObject: { longs: String } });
    const codec = plain.methods["say"]!.responseCodec;
    expect(codec.decode(codec.encode({ text: "t", n: 7 }))).to.deep.equal({ text: "t", n: "7" });
  });
});

describe("loadService", () => {
  const protoDir = join(projectRoot(), "interop", "proto");

  it("loads a .proto with imports through includeDirs", async () => {
    const service = await loadService("grpc/testing/test.proto", "grpc.testing.TestService", { includeDirs: [protoDir] });
    expect(service.name).to.equal("grpc.testing.TestService");
    expect(service.methods["unaryCall"]).to.include({ path: "/grpc.testing.TestService/UnaryCall", kind: "unary" });
    expect(service.methods["fullDuplexCall"]).to.include({ kind: "bidi_streaming" });
    expect(service.methods["streamingInputCall"]).to.include({ kind: "client_streaming" });
    expect(service.methods["streamingOutputCall"]).to.include({ kind: "server_streaming" });
  });

  it("loads by absolute path", async () => {
    const service = await loadService([join(protoDir, "grpc/testing/test.proto")], "grpc.testing.UnimplementedService", {
      includeDirs: [protoDir],
    });
    expect(service.methods["unimplementedCall"]).to.include({ path: "/grpc.testing.UnimplementedService/UnimplementedCall" });
  });

  for (const [keepCase, field] of [
    [false, "responseSize"],
    [true, "response_size"],
  ] as const)
    it(`names fields ${keepCase ? "as written" : "in camelCase"} with keepCase ${keepCase}`, async () => {
      const service = await loadService("grpc/testing/test.proto", "grpc.testing.TestService", {
        includeDirs: [protoDir],
        keepCase,
        toObject: {},
      });
      const codec = service.methods["unaryCall"]!.requestCodec;
      expect(codec.decode(Uint8Array.of(0x10, 7))).to.deep.equal({ [field]: 7 });
    });

  it("refuses a name that is not a service in the files", async () => {
    for (const name of ["grpc.testing.NoSuchService", "grpc.testing.Empty"]) {
      let caught: unknown;
      try {
        await loadService("grpc/testing/test.proto", name, { includeDirs: [protoDir] });
      } catch (error) {
        caught = error;
      }
      expect(caught, name).to.be.instanceOf(TypeError);
    }
  });
});
