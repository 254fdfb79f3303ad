import { expect } from "chai";
import { fromJson, registryOf, toJson } from "../../src/descriptor/index.js";
import type { MessageType } from "../../src/protobuf/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import {
  Duration,
  FileDescriptorProto,
  Timestamp,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
} from "../../src/wkt/index.js";
import { compileTestProtos } from "../json/json-fixtures.js";

/** A generated type with the schema the generator embeds (files()), as regenerated code has it. */
function withFiles<T extends object, I>(type: MessageType<T, I>, file: Uint8Array): MessageType<T, I> {
  return { ...type, files: () => [file] };
}

describe("descriptor: toJson/fromJson for generated types", () => {
  const TimestampType = withFiles(Timestamp, file_google_protobuf_timestamp);
  const DescriptorType = withFiles(FileDescriptorProto, file_google_protobuf_descriptor);

  it("converts a generated message both ways", () => {
    expect(toJson(TimestampType, { seconds: 1n, nanos: 500_000_000 })).to.equal("1970-01-01T00:00:01.500Z");
    expect(fromJson(TimestampType, '"1970-01-01T00:00:01.500Z"')).to.deep.equal({ seconds: 1n, nanos: 500_000_000 });
  });

  it("maps a large proto2 message: descriptor.proto describing the test protos", () => {
    const file = FileDescriptorProto.decode(
      compileTestProtos().files.find((bytes) => FileDescriptorProto.decode(bytes).name === "json_test.proto")!,
    );
    const json = toJson(DescriptorType, file) as {
      messageType: { name: string; field: { type: string; label: string; jsonName: string }[] }[];
    };
    expect(json.messageType[0]!.name).to.equal("Scalars");
    expect(json.messageType[0]!.field[0]).to.include({ type: "TYPE_DOUBLE", label: "LABEL_OPTIONAL", jsonName: "fDouble" });
    expect(fromJson(DescriptorType, json)).to.deep.equal(file);
    expect(fromJson(DescriptorType, JSON.stringify(json))).to.deep.equal(file);
  });

  it("passes the options on", () => {
    const file = { name: "x.proto", syntax: "proto3" };
    expect(toJson(DescriptorType, file, { useProtoFieldName: true })).to.deep.equal(file);
    expect(() => fromJson(DescriptorType, { nope: 1 }))
      .to.throw(GrpcError, 'no field named "nope"')
      .with.property("code", Code.InvalidArgument);
    expect(fromJson(DescriptorType, { nope: 1, name: "x" }, { ignoreUnknownFields: true }).name).to.equal("x");
  });

  it("builds the registry once per type", () => {
    expect(registryOf(TimestampType)).to.equal(registryOf(TimestampType));
    expect(registryOf(TimestampType).files.has("google/protobuf/timestamp.proto")).to.equal(true);
  });

  it("explains that a type without files() must be regenerated", () => {
    const old: MessageType<Duration> = { ...Duration };
    delete (old as { files?: unknown }).files;
    expect(() => toJson(old, { seconds: 0n, nanos: 0 })).to.throw(
      TypeError,
      /google\.protobuf\.Duration carries no schema \(files\(\)\); regenerate/,
    );
    expect(() => fromJson(old, '"1s"')).to.throw(TypeError, /regenerate/);
    expect(toJson(withFiles(Duration, file_google_protobuf_duration), { seconds: -1n, nanos: 0 })).to.equal("-1s");
  });
});
