// proto2 specifics of the JSON mapping: groups (wire types 3/4) in both directions, unknown
// groups, hostile group encodings, declared defaults, required fields and extensions.
import { expect } from "chai";
import { TypeRegistry } from "../../src/descriptor/index.js";
import { JSON_MAX_DEPTH } from "../../src/json/index.js";
import { BinaryReader, BinaryWriter } from "../../src/protobuf/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, FileDescriptorProto } from "../../src/wkt/index.js";
import { testRegistry } from "./json-fixtures.js";

const G = "tsgrpc.json.test2.Groups";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/ /g, ""), "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

function rejects(action: () => unknown, message: string | RegExp): void {
  expect(action).to.throw(GrpcError, message).with.property("code", Code.InvalidArgument);
}

/** A start-group or end-group tag of field `number`. */
const startGroup = (number: number): number => (number << 3) | 3;
const endGroup = (number: number): number => (number << 3) | 4;

/** Field 1 of tsgrpc.json.test.Recursive-like type R, a group of type R itself (editions' DELIMITED encoding), and an int32 2. */
function delimitedRegistry(): TypeRegistry {
  return TypeRegistry.fromFiles([
    FileDescriptorProto.encode({
      name: "delimited.proto",
      package: "d",
      messageType: [
        {
          name: "R",
          field: [
            { name: "child", number: 1, label: Label.LABEL_OPTIONAL, type: Type.TYPE_GROUP, typeName: ".d.R", jsonName: "child" },
            { name: "depth", number: 2, label: Label.LABEL_OPTIONAL, type: Type.TYPE_INT32, jsonName: "depth" },
          ],
        },
      ],
    }),
  ]);
}

/** `depth` levels of R: each a group field 1 holding the next, the innermost with depth = 1. */
function nestedGroups(depth: number): Uint8Array {
  const writer = new BinaryWriter();
  for (let i = 1; i < depth; i++) writer.uint32(startGroup(1));
  writer.uint32(2 << 3).int32(1);
  for (let i = 1; i < depth; i++) writer.uint32(endGroup(1));
  return writer.finish();
}

describe("json: proto2 groups", () => {
  const registry = testRegistry();

  it("names a group field by its lowercased name, as protoc's json_name does", () => {
    const field = registry.message(G)!.fieldsByNumber.get(1)!;
    expect(field).to.include({ name: "optionalgroup", jsonName: "optionalgroup", type: Type.TYPE_GROUP });
    expect(field.message?.fullName).to.equal(`${G}.OptionalGroup`);
  });

  it("writes groups between start- and end-group tags, nested and repeated", () => {
    const bytes = registry.fromJson(G, {
      optionalgroup: { a: 1, inner: { s: "x" } },
      repeatedgroup: [{ b: 2 }, {}],
      choicegroup: { c: 3 },
    });
    // 0b (1, start) 10 01 (a = 1) 1b (3, start) 22 01 78 (s = "x") 1c (3, end) 0c (1, end),
    // 33 38 02 34 and 33 34 (two RepeatedGroups), 4b 50 03 4c (ChoiceGroup).
    expect(toHex(bytes)).to.equal("0b10011b2201781c0c" + "333802343334" + "4b50034c");
    expect(registry.toJson(G, bytes)).to.deep.equal({
      optionalgroup: { a: 1, inner: { s: "x" } },
      repeatedgroup: [{ b: 2 }, {}],
      choicegroup: { c: 3 },
    });
    expect(registry.toJson(G, bytes, { useProtoFieldName: true })).to.have.keys("optionalgroup", "repeatedgroup", "choicegroup");
  });

  it("prints an empty group that is set, and leaves an unset one out (emitDefaults included)", () => {
    expect(registry.toJson(G, hex("0b0c"))).to.deep.equal({ optionalgroup: {} });
    expect(registry.toJson(G, hex(""), { emitDefaults: true })).to.deep.equal({ repeatedgroup: [] });
    expect(toHex(registry.fromJson(G, { optionalgroup: {} }))).to.equal("0b0c");
    expect(toHex(registry.fromJson(G, { optionalgroup: null }))).to.equal("");
  });

  it("merges a singular group given twice, as protobuf merges a message", () => {
    // OptionalGroup {a: 1} then OptionalGroup {inner {s: "x"}}: both halves survive.
    expect(registry.toJson(G, hex("0b10010c 0b1b2201781c0c"))).to.deep.equal({ optionalgroup: { a: 1, inner: { s: "x" } } });
    // The later scalar wins inside the merged group.
    expect(registry.toJson(G, hex("0b10010c 0b10020c"))).to.deep.equal({ optionalgroup: { a: 2 } });
  });

  it("keeps the last member of a oneof when a group and a string alternate", () => {
    expect(registry.toJson(G, hex("4b50034c 5a0178"))).to.deep.equal({ choiceString: "x" });
    expect(registry.toJson(G, hex("5a0178 4b50034c"))).to.deep.equal({ choicegroup: { c: 3 } });
  });

  it("skips unknown groups, however deep, and reads the fields after them", () => {
    // Field 50 (unknown) as a group holding a varint, a string, a fixed64 and three nested groups.
    const unknown = "9303 0801 1201ff 19 0800000000000000 a306 b306 c306 c406 b406 a406 9403";
    expect(registry.toJson(G, hex(`${unknown} 7801`))).to.deep.equal({ needed: 1 });
    // Inside a known group too.
    expect(registry.toJson(G, hex(`0b ${unknown} 1002 0c`))).to.deep.equal({ optionalgroup: { a: 2 } });
    const deep = new BinaryWriter();
    for (let i = 0; i < 200_000; i++) deep.uint32(startGroup(50));
    for (let i = 0; i < 200_000; i++) deep.uint32(endGroup(50));
    deep.uint32(15 << 3).int32(9);
    expect(registry.toJson(G, deep.finish())).to.deep.equal({ needed: 9 });
  });

  it("skips a group field sent with another wire type, as an unknown field", () => {
    // Field 1 (optionalgroup) as length-delimited bytes and as a varint: not the group's encoding.
    expect(registry.toJson(G, hex("0a021001 0805 7801"))).to.deep.equal({ needed: 1 });
    // Repeated group field 6 as a length-delimited run: not packed, skipped.
    expect(registry.toJson(G, hex("32023801"))).to.deep.equal({});
  });

  it("rejects an unterminated group, a mismatched end and a stray end-group tag", () => {
    rejects(
      () => registry.toJson(G, hex("0b1001")),
      /^INVALID_ARGUMENT: json: tsgrpc\.json\.test2\.Groups: malformed binary message: .*group 1 has no end/,
    );
    rejects(() => registry.toJson(G, hex("0b1b2201781c")), /group 1 has no end/);
    rejects(() => registry.toJson(G, hex("0b10011c")), /group 1 ended by the end of group 3/);
    rejects(() => registry.toJson(G, hex("0b1b0c")), /group 3 ended by the end of group 1/);
    rejects(() => registry.toJson(G, hex("0c")), /wire type 4 of field 1/);
    rejects(() => registry.toJson(G, hex("9303 a406")), /group 50 ended by the end of group 100/);
    const open = new BinaryWriter();
    for (let i = 0; i < 200_000; i++) open.uint32(startGroup(50));
    rejects(() => registry.toJson(G, open.finish()), /group 50 has no end/);
  });

  it(`nests groups ${JSON_MAX_DEPTH} deep, and no deeper, in both directions`, () => {
    const delimited = delimitedRegistry();
    let json: Record<string, unknown> = { depth: 1 };
    for (let i = 1; i < JSON_MAX_DEPTH; i++) json = { child: json };
    const bytes = delimited.fromJson("d.R", json as never);
    expect(toHex(bytes)).to.equal(toHex(nestedGroups(JSON_MAX_DEPTH)));
    expect(delimited.toJson("d.R", bytes)).to.deep.equal(json);
    rejects(
      () => delimited.toJson("d.R", nestedGroups(JSON_MAX_DEPTH + 1)),
      /^INVALID_ARGUMENT: json: d\.R(\.child){100}: messages nest deeper than 100$/,
    );
    rejects(() => delimited.fromJson("d.R", { child: json } as never), /messages nest deeper than 100/);
    // A million levels: rejected at the limit, never a stack overflow.
    rejects(() => delimited.toJson("d.R", nestedGroups(1_000_000)), /messages nest deeper than 100/);
  });

  it("the binary reader skips a million nested groups without recursion", () => {
    const writer = new BinaryWriter();
    for (let i = 0; i < 1_000_000; i++) writer.uint32(startGroup(7));
    for (let i = 0; i < 1_000_000; i++) writer.uint32(endGroup(7));
    const bytes = writer.finish();
    const reader = new BinaryReader(bytes);
    reader.skip(reader.tag());
    expect(reader.pos).to.equal(bytes.length);
    expect(() => new BinaryReader(bytes.subarray(0, bytes.length - 1)).skip(startGroup(7))).to.throw(GrpcError, /group 7 has no end/);
  });
});

describe("json: proto2 defaults, required fields and extensions", () => {
  const registry = testRegistry();

  it("never prints a declared default for an unset field, with or without emitDefaults", () => {
    expect(registry.toJson(G, new Uint8Array(0))).to.deep.equal({});
    const all = registry.toJson(G, new Uint8Array(0), { emitDefaults: true });
    expect(all).to.not.have.any.keys("withDefault", "textDefault", "sizeDefault", "needed");
    // The declared default stays readable from the descriptor.
    expect(registry.message(G)!.fieldsByJsonKey.get("withDefault")!.descriptor.defaultValue).to.equal("42");
  });

  it("prints a field set to its declared default or to zero: proto2 fields have presence", () => {
    const bytes = registry.fromJson(G, { withDefault: 42, textDefault: "", sizeDefault: "LARGE", needed: 0 });
    expect(toHex(bytes)).to.equal("602a" + "6a00" + "7002" + "7800");
    expect(registry.toJson(G, bytes)).to.deep.equal({ withDefault: 42, textDefault: "", sizeDefault: "LARGE", needed: 0 });
  });

  it("accepts a message whose required field is missing, in both directions (as python's json_format)", () => {
    expect(registry.fromJson(G, {}).length).to.equal(0);
    expect(registry.toJson(G, hex("0b0c"))).to.deep.equal({ optionalgroup: {} });
  });

  it('maps extensions under "[full.name]", file-level and nested, singular, repeated, group and message', () => {
    const json = {
      "[tsgrpc.json.test2.ext_int32]": 5,
      "[tsgrpc.json.test2.ext_strings]": ["a", ""],
      "[tsgrpc.json.test2.extgroup]": { e: 1 },
      "[tsgrpc.json.test2.Extender.ext_legacy]": { flag: true },
      needed: 1,
    };
    const bytes = registry.fromJson(G, json);
    // Fields and extensions in number order: needed (15), then 100, 101 twice, 102 (a group), 110.
    expect(toHex(bytes)).to.equal("7801" + "a00605" + "aa060161" + "aa0600" + "b3060801b406" + "f206021801");
    expect(registry.toJson(G, bytes)).to.deep.equal(json);
    expect(registry.toJson(G, bytes, { useProtoFieldName: true })).to.deep.equal(json);
    // An empty repeated extension is left out, even with emitDefaults; an unset one too.
    expect(registry.toJson(G, hex("7801"), { emitDefaults: true })).to.deep.equal({ needed: 1, repeatedgroup: [] });
    const extension = registry.message(G)!.extensionsByJsonKey.get("[tsgrpc.json.test2.Extender.ext_legacy]")!;
    expect(extension).to.include({ extension: true, extendee: G, fullName: "tsgrpc.json.test2.Extender.ext_legacy", number: 110 });
    expect(registry.fileOf("tsgrpc.json.test2.ext_int32")).to.equal("json_test2.proto");
  });

  it("drops extensions the registry does not know, and names an unknown [name] key", () => {
    const bare = TypeRegistry.fromFiles([
      FileDescriptorProto.encode({
        name: "bare.proto",
        package: "b",
        messageType: [{ name: "M", field: [], extensionRange: [{ start: 100, end: 200 }] }],
      }),
    ]);
    expect(bare.toJson("b.M", hex("a00605"))).to.deep.equal({});
    rejects(
      () => bare.fromJson("b.M", { "[b.ext]": 5 }),
      /^INVALID_ARGUMENT: json: b\.M: no extension named "b\.ext" extends this type in the registry$/,
    );
    expect(bare.fromJson("b.M", { "[b.ext]": 5 }, { ignoreUnknownFields: true }).length).to.equal(0);
    // A file added later brings its extensions to the type.
    bare.addFile(
      FileDescriptorProto.encode({
        name: "ext.proto",
        package: "b",
        dependency: ["bare.proto"],
        extension: [{ name: "ext", number: 100, label: Label.LABEL_OPTIONAL, type: Type.TYPE_INT32, extendee: ".b.M" }],
      }),
    );
    expect(bare.toJson("b.M", hex("a00605"))).to.deep.equal({ "[b.ext]": 5 });
  });

  it("refuses an extension of an unknown type, or one whose number is taken, leaving the registry as it was", () => {
    const extension = (name: string, number: number, extendee: string): Uint8Array =>
      FileDescriptorProto.encode({
        name: `${name}.proto`,
        package: "x",
        dependency: ["json_test2.proto"],
        extension: [{ name, number, label: Label.LABEL_OPTIONAL, type: Type.TYPE_INT32, extendee }],
      });
    const local = testRegistry();
    expect(() => local.addFile(extension("a", 150, ".no.Such"))).to.throw(
      TypeError,
      /extension "x\.a" in "a\.proto" extends "\.no\.Such", which is not in the registry/,
    );
    expect(() => local.addFile(extension("b", 100, `.${G}`))).to.throw(
      TypeError,
      /extension "x\.b" in "b\.proto" uses number 100 of "tsgrpc\.json\.test2\.Groups", which "tsgrpc\.json\.test2\.ext_int32" has already/,
    );
    expect(() => local.addFile(extension("c", 15, `.${G}`))).to.throw(TypeError, /which "tsgrpc\.json\.test2\.Groups\.needed" has already/);
    expect(local.files.has("b.proto")).to.equal(false);
    expect(local.message(G)!.extensionsByNumber.size).to.equal(4);
    local.addFile(extension("d", 150, `.${G}`));
    expect(local.toJson(G, hex("b00907"))).to.deep.equal({ "[x.d]": 7 });
  });
});
