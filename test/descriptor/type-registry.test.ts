import { expect } from "chai";
import { TypeRegistry, jsonNameOf } from "../../src/descriptor/index.js";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProto,
  type FileDescriptorProtoInput,
  file_google_protobuf_timestamp,
} from "../../src/wkt/index.js";
import { compileTestProtos } from "../json/json-fixtures.js";

const T = "tsgrpc.json.test";

function file(input: FileDescriptorProtoInput): Uint8Array {
  return FileDescriptorProto.encode(input);
}

describe("descriptor: TypeRegistry", () => {
  const registry = TypeRegistry.fromFiles(compileTestProtos().files);

  it("resolves fields with number, names, JSON names, type and label", () => {
    const scalars = registry.message(`${T}.Scalars`)!;
    expect(scalars.name).to.equal("Scalars");
    expect(scalars.file).to.equal("json_test.proto");
    expect(scalars.syntax).to.equal("proto3");
    const field = scalars.fieldsByNumber.get(3)!;
    expect(field).to.include({ name: "f_int64", jsonName: "fInt64", fullName: `${T}.Scalars.f_int64`, type: Type.TYPE_INT64 });
    expect(field.label).to.equal(Label.LABEL_OPTIONAL);
    expect(scalars.fieldsByJsonKey.get("fInt64")).to.equal(field);
    expect(scalars.fieldsByJsonKey.get("f_int64")).to.equal(field);
    expect(scalars.fields.map((f) => f.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18]);
    expect(scalars.fields.every((f, i) => f.index === i)).to.equal(true);
  });

  it("resolves message and enum types, and map entries", () => {
    const maps = registry.message(`${T}.Maps`)!;
    const field = maps.fieldsByJsonKey.get("fixed64Message")!;
    expect(field.repeated).to.equal(true);
    expect(field.message?.isMapEntry).to.equal(true);
    expect(field.map?.key.type).to.equal(Type.TYPE_FIXED64);
    expect(field.map?.value.message).to.equal(registry.message(`${T}.Scalars`));
    expect(registry.message(`${T}.Scalars`)!.fieldsByJsonKey.get("fEnum")!.enum).to.equal(registry.enum(`${T}.Color`));
    expect(registry.enum(`${T}.Color`)!.values).to.deep.equal([
      { name: "COLOR_UNSPECIFIED", number: 0 },
      { name: "COLOR_RED", number: 1 },
      { name: "COLOR_GREEN", number: 2 },
    ]);
    expect(registry.message(`${T}.Recursive`)!.fieldsByNumber.get(1)!.message).to.equal(registry.message(`${T}.Recursive`));
  });

  it("knows presence, packing, oneofs and proto3 optional", () => {
    const presence = registry.message(`${T}.Presence`)!;
    const optional = presence.fieldsByJsonKey.get("optInt32")!;
    expect(optional).to.include({ hasPresence: true, proto3Optional: true, oneofIndex: undefined, oneofName: undefined });
    expect(presence.oneofs).to.deep.equal(["choice"]);
    expect(presence.fieldsByJsonKey.get("choiceString")).to.include({ hasPresence: true, oneofIndex: 0, oneofName: "choice" });
    expect(presence.fieldsByJsonKey.get("plain")!.hasPresence).to.equal(false);
    expect(presence.fieldsByJsonKey.get("message")!.hasPresence).to.equal(true);
    expect(presence.fieldsByJsonKey.get("renamed")!.name).to.equal("custom_json");
    const repeated = registry.message(`${T}.Repeated`)!;
    expect(repeated.fieldsByJsonKey.get("rInt32")!.packed).to.equal(true);
    expect(repeated.fieldsByJsonKey.get("rUnpacked")!.packed).to.equal(false);
    expect(repeated.fieldsByJsonKey.get("rString")!.packed).to.equal(false);
    const legacy = registry.message("tsgrpc.json.test2.Legacy")!;
    expect(legacy.syntax).to.equal("proto2");
    expect(legacy.fieldsByJsonKey.get("count")!.hasPresence).to.equal(true);
    expect(legacy.fieldsByJsonKey.get("values")!.packed).to.equal(false);
    expect(legacy.fieldsByJsonKey.get("packedValues")!.packed).to.equal(true);
    expect(registry.enum("tsgrpc.json.test2.Legacy.Size")!.fullName).to.equal("tsgrpc.json.test2.Legacy.Size");
  });

  it("resolves services and methods with their types and streaming flags", () => {
    const service = registry.service(`${T}.JsonTestService`)!;
    expect(service.file).to.equal("json_test.proto");
    expect(service.methods.map((m) => [m.name, m.path, m.inputType, m.outputType, m.clientStreaming, m.serverStreaming])).to.deep.equal([
      ["Echo", `/${T}.JsonTestService/Echo`, `${T}.Scalars`, `${T}.Scalars`, false, false],
      ["Watch", `/${T}.JsonTestService/Watch`, `${T}.Presence`, "google.protobuf.Empty", true, true],
    ]);
    expect(service.methods[1]!.output).to.equal(registry.message("google.protobuf.Empty"));
    expect([...registry.services()].map((s) => s.fullName)).to.deep.equal([`${T}.JsonTestService`]);
    expect(registry.fileOf(`${T}.JsonTestService.Echo`)).to.equal("json_test.proto");
    expect(registry.fileOf(`${T}.Color`)).to.equal("json_test.proto");
    expect(registry.service("no.Such")).to.equal(undefined);
    expect(registry.message("no.Such")).to.equal(undefined);
    expect(registry.enum("google.protobuf.NoSuch")).to.equal(undefined);
  });

  it("takes files in any order, and keeps the first of a name", () => {
    const files = compileTestProtos().files;
    const reversed = TypeRegistry.fromFiles([...files].reverse());
    expect([...reversed.files.keys()].sort()).to.deep.equal([...registry.files.keys()].sort());
    const twice = TypeRegistry.fromFiles([...files, ...files]);
    expect(twice.files.size).to.equal(registry.files.size);
    const message = twice.message(`${T}.Scalars`);
    twice.addFile(files[files.length - 1]!);
    expect(twice.message(`${T}.Scalars`)).to.equal(message);
  });

  it("names the file and the missing import", () => {
    const lonely = file({ name: "a.proto", dependency: ["b.proto"], syntax: "proto3" });
    expect(() => TypeRegistry.fromFiles([lonely])).to.throw(
      TypeError,
      'descriptor: file "a.proto" imports "b.proto", which is not in the registry',
    );
    expect(() => new TypeRegistry().addFile(lonely)).to.throw(TypeError, /"a\.proto" imports "b\.proto"/);
  });

  it("adds the bundled well-known type files a file imports, and google.protobuf types on lookup", () => {
    const user = file({
      name: "user.proto",
      package: "u",
      dependency: ["google/protobuf/timestamp.proto"],
      messageType: [
        {
          name: "M",
          field: [{ name: "at", number: 1, label: Label.LABEL_OPTIONAL, type: Type.TYPE_MESSAGE, typeName: ".google.protobuf.Timestamp" }],
        },
      ],
      syntax: "proto3",
    });
    const own = TypeRegistry.fromFiles([user]);
    expect([...own.files.keys()]).to.deep.equal(["google/protobuf/timestamp.proto", "user.proto"]);
    expect(own.message("u.M")!.fields[0]!.message?.fullName).to.equal("google.protobuf.Timestamp");
    expect(own.message("google.protobuf.Duration")?.file).to.equal("google/protobuf/duration.proto");
    expect(own.enum("google.protobuf.NullValue")?.file).to.equal("google/protobuf/struct.proto");
    expect(own.message("google.protobuf.FileDescriptorProto")?.file).to.equal("google/protobuf/descriptor.proto");
  });

  it("resolves relative type names from the innermost scope out, as protoc does", () => {
    const relative = file({
      name: "rel.proto",
      package: "p.q",
      messageType: [
        {
          name: "Outer",
          field: [{ name: "inner", number: 1, type: Type.TYPE_MESSAGE, typeName: "Inner" }],
          nestedType: [{ name: "Inner" }],
        },
        {
          name: "Other",
          field: [
            { name: "o", number: 1, typeName: "Outer.Inner" },
            { name: "e", number: 2, type: Type.TYPE_ENUM, typeName: "q.E" },
          ],
        },
      ],
      enumType: [{ name: "E", value: [{ name: "E0", number: 0 }] }],
      syntax: "proto3",
    });
    const resolved = TypeRegistry.fromFiles([relative]);
    expect(resolved.message("p.q.Outer")!.fields[0]!.typeName).to.equal("p.q.Outer.Inner");
    expect(resolved.message("p.q.Other")!.fields[0]!.message?.fullName).to.equal("p.q.Outer.Inner");
    expect(resolved.message("p.q.Other")!.fields[1]!.enum?.fullName).to.equal("p.q.E");
  });

  it("computes JSON names protoc's way when json_name is absent", () => {
    for (const [name, json] of [
      ["foo_bar", "fooBar"],
      ["foo", "foo"],
      ["_foo", "Foo"],
      ["foo__bar", "fooBar"],
      ["foo_3_bar", "foo3Bar"],
      ["fooBar", "fooBar"],
      ["foo_", "foo"],
    ] as const)
      expect(jsonNameOf(name), name).to.equal(json);
  });

  it("rejects an unknown type, a duplicate symbol and garbage, leaving the registry as it was", () => {
    const broken = file({
      name: "broken.proto",
      package: "b",
      messageType: [{ name: "M", field: [{ name: "x", number: 1, type: Type.TYPE_MESSAGE, typeName: ".b.Missing" }] }],
    });
    const fresh = new TypeRegistry();
    expect(() => fresh.addFile(broken)).to.throw(TypeError, /descriptor: field "b\.M\.x" in "broken\.proto" has type "\.b\.Missing"/);
    expect(fresh.message("b.M")).to.equal(undefined);
    expect(fresh.files.size).to.equal(0);
    const one = file({ name: "one.proto", package: "d", messageType: [{ name: "M" }] });
    const two = file({ name: "two.proto", package: "d", messageType: [{ name: "M" }] });
    expect(() => TypeRegistry.fromFiles([one, two])).to.throw(
      TypeError,
      'descriptor: "d.M" is defined in both "one.proto" and "two.proto"',
    );
    expect(() => fresh.addFile(new Uint8Array([0xff]))).to.throw(TypeError, /^descriptor: not a FileDescriptorProto/);
    expect(() => fresh.addFile(file({ package: "x" }))).to.throw(TypeError, "descriptor: a FileDescriptorProto without a name");
    expect(() => fresh.addFile("x" as unknown as Uint8Array)).to.throw(TypeError, /Uint8Array/);
    const badMethod = file({
      name: "svc.proto",
      package: "s",
      service: [{ name: "S", method: [{ name: "M", inputType: ".s.Nope", outputType: ".s.Nope" }] }],
    });
    expect(() => fresh.addFile(badMethod)).to.throw(TypeError, /method "s\.S\.M" in "svc\.proto" uses "\.s\.Nope"/);
    expect(fresh.service("s.S")).to.equal(undefined);
    expect(fresh.fileOf("s.S.M")).to.equal(undefined);
  });

  it("names an unknown message type in toJson and fromJson", () => {
    expect(() => registry.toJson("no.Such", new Uint8Array())).to.throw(TypeError, 'descriptor: no message type "no.Such" in the registry');
    expect(() => registry.fromJson("no.Such", {})).to.throw(TypeError, /no\.Such/);
  });

  it("reads the bundled descriptors of tsgrpc/wkt", () => {
    const timestamp = TypeRegistry.fromFiles([file_google_protobuf_timestamp]);
    expect(timestamp.toJson("google.protobuf.Timestamp", new Uint8Array([8, 1]))).to.equal("1970-01-01T00:00:01Z");
  });
});
