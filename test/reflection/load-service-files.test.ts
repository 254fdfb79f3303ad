// loadService fills `files`: FileDescriptorProtos built from what protobufjs parsed, named as the
// .proto files import each other, the service's file first, then its imports once each.
import { expect } from "chai";
import { join } from "node:path";
import { loadService } from "../../src/index.js";
import * as wkt from "../../src/wkt/index.js";
import { projectRoot } from "../project-root.js";

const ROOT = projectRoot();

function decode(files: readonly Uint8Array[]): wkt.FileDescriptorProto[] {
  return files.map((bytes) => wkt.FileDescriptorProto.decode(bytes));
}

describe("reflection: loadService fills files", () => {
  it("names files by import, lists dependencies once, and describes the service", async () => {
    const dir = join(ROOT, "interop/proto");
    const service = await loadService(join(dir, "grpc/testing/test.proto"), "grpc.testing.TestService", { includeDirs: [dir] });
    const files = decode(service.files!());
    expect(files.map((file) => file.name)).to.deep.equal([
      "grpc/testing/test.proto",
      "grpc/testing/empty.proto",
      "grpc/testing/messages.proto",
    ]);
    expect(files[0]!.package).to.equal("grpc.testing");
    expect(files[0]!.syntax).to.equal("proto3");
    expect(files[0]!.dependency).to.deep.equal(["grpc/testing/empty.proto", "grpc/testing/messages.proto"]);
    const testService = files[0]!.service.find((entry) => entry.name === "TestService")!;
    const streaming = testService.method.find((method) => method.name === "FullDuplexCall")!;
    expect(streaming).to.include({ inputType: ".grpc.testing.StreamingOutputCallRequest", clientStreaming: true, serverStreaming: true });
    expect(files[2]!.messageType.map((message) => message.name)).to.include("SimpleRequest");
    expect(service.files!()).to.equal(service.files!());
  });

  it("includes the well-known types protobufjs bundles, as files of their own", async () => {
    const dir = join(ROOT, "test/gen/protos");
    const service = await loadService(join(dir, "demo/v1/shapes.proto"), "demo.v1.Shop", { includeDirs: [dir] });
    const files = decode(service.files!());
    expect(files.map((file) => file.name)).to.deep.equal([
      "demo/v1/shapes.proto",
      "google/protobuf/timestamp.proto",
      "google/protobuf/duration.proto",
    ]);
    expect(files[1]!.package).to.equal("google.protobuf");
    expect(files[1]!.messageType.map((message) => message.name)).to.deep.equal(["Timestamp"]);
    const shapes = files[0]!.messageType.find((message) => message.name === "Shapes")!;
    expect(shapes.field.some((field) => field.typeName === ".google.protobuf.Timestamp")).to.equal(true);
  });

  it("a file given without include directories is named by its base name", async () => {
    const service = await loadService(join(ROOT, "examples/helloworld/greeter.proto"), "helloworld.Greeter");
    expect(decode(service.files!()).map((file) => file.name)).to.deep.equal(["greeter.proto"]);
  });
});
