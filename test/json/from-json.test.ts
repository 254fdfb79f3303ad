import { expect } from "chai";
import { Code, GrpcError } from "../../src/status/index.js";
import type { JsonValue } from "../../src/json/index.js";
import { testRegistry } from "./json-fixtures.js";

const T = "tsgrpc.json.test";
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("json: fromJson (proto3 JSON -> canonical binary)", () => {
  const registry = testRegistry();
  const encode = (type: string, json: JsonValue | string, ignoreUnknownFields = false) =>
    registry.fromJson(`${T}.${type}`, json, { ignoreUnknownFields });
  const same = (type: string, a: JsonValue | string, b: JsonValue | string) => expect(hex(encode(type, a))).to.equal(hex(encode(type, b)));
  const fails = (type: string, json: JsonValue | string, message: string | RegExp) =>
    expect(() => encode(type, json))
      .to.throw(GrpcError, message)
      .with.property("code", Code.InvalidArgument);

  describe("accepts both spellings of a value", () => {
    const cases: [string, JsonValue | string, JsonValue | string][] = [
      ["int64 as a number or a string", '{"fInt64": 9007199254740993}', { fInt64: "9007199254740993" }],
      ["uint64 max as a number, exactly", '{"fUint64": 18446744073709551615}', { fUint64: "18446744073709551615" }],
      ["an integer with an exponent", '{"fInt32": 1e5}', { fInt32: 100000 }],
      ["an integer with a zero fraction", '{"fInt64": "12.000"}', { fInt64: "12" }],
      ["an integer string with an exponent", '{"fUint64": "1.5e3"}', { fUint64: "1500" }],
      ["int32 as a string", { fInt32: "-7" }, { fInt32: -7 }],
      ["a float as a string", { fFloat: "1.5" }, { fFloat: 1.5 }],
      ["NaN and infinities as strings", { fDouble: "NaN", fFloat: "-Infinity" }, { fDouble: Number.NaN, fFloat: Number.NEGATIVE_INFINITY }],
      ["URL-safe base64", { fBytes: "-_8" }, { fBytes: "+/8=" }],
      ["unpadded base64", { fBytes: "AQI" }, { fBytes: "AQI=" }],
      ["an enum by number", { fEnum: 2 }, { fEnum: "COLOR_GREEN" }],
      ["the .proto field name", { f_int32: 5 }, { fInt32: 5 }],
      ["json_name and the .proto name", '{"custom_json": 1}', { renamed: 1 }],
      ["null as the default", { fInt32: null, fString: null, fEnum: null }, {}],
    ];
    for (const [name, a, b] of cases) it(name, () => same(name.startsWith("json_name") ? "Presence" : "Scalars", a, b));
  });

  it("writes fields in number order, whatever the key order", () => {
    same("Scalars", '{"fSint64": "1", "fDouble": 2, "fInt32": 3}', '{"fDouble": 2, "fInt32": 3, "fSint64": "1"}');
    expect(hex(encode("Scalars", { fSint64: "1", fInt32: 3 }))).to.equal("28039001" + "02");
  });

  it("leaves defaults out unless the field has presence, keeps -0", () => {
    expect(hex(encode("Scalars", { fInt32: 0, fString: "", fBool: false, fBytes: "", fEnum: "COLOR_UNSPECIFIED" }))).to.equal("");
    expect(hex(encode("Presence", { optInt32: 0, choiceString: "" }))).to.equal("08005a00");
    expect(hex(encode("Scalars", '{"fDouble": -0}'))).to.equal("090000000000000080");
  });

  it("packs repeated scalars where the field is packed", () => {
    expect(hex(encode("Repeated", { rInt32: [1, 2], rUnpacked: [1, 2], rString: ["a"] }))).to.equal("2a0201024a0161a00101a00102");
  });

  it("rounds a float to float32 and keeps a double exact", () => {
    expect(registry.toJson(`${T}.Scalars`, encode("Scalars", { fFloat: 0.1, fDouble: 0.1 }))).to.deep.equal({ fDouble: 0.1, fFloat: 0.1 });
    expect(registry.toJson(`${T}.Scalars`, encode("Scalars", { fFloat: 16777217 }))).to.deep.equal({ fFloat: 16777216 });
  });

  it("accepts a float that rounds to a finite float32, as FLT_MAX prints (python3-protobuf 3.21 rejects it)", () => {
    const bytes = encode("Scalars", '{"fFloat": 3.4028235e38}');
    expect(registry.toJson(`${T}.Scalars`, bytes)).to.deep.equal({ fFloat: 3.4028235e38 });
    fails("Scalars", '{"fFloat": 3.4028236e38}', "json: tsgrpc.json.test.Scalars.fFloat: 3.4028236e38 is out of range for float");
  });

  it("ignoreUnknownFields skips unknown keys and unknown enum names", () => {
    expect(hex(encode("Scalars", { nope: 1, fEnum: "COLOR_PURPLE", fInt32: 1 }, true))).to.equal("2801");
    expect(hex(encode("Repeated", { rEnum: ["COLOR_PURPLE", "COLOR_RED"] }, true))).to.equal("72 0101".replace(" ", ""));
  });

  it("sorts map entries by key and writes key and value always", () => {
    expect(hex(encode("Maps", { int32Int32: { "2": 0, "-1": 1 } }))).to.equal(
      "12 0d 08ffffffffffffffffff01 1001 12 04 0802 1000".replaceAll(" ", ""),
    );
    expect(hex(encode("Maps", { stringString: { b: "", a: "" } }))).to.equal("0a050a016112000a050a01621200");
  });

  describe("errors name the type, the field path and the problem", () => {
    const cases: [string, JsonValue | string, string][] = [
      ["Scalars", { fInt32: "abc" }, 'json: tsgrpc.json.test.Scalars.fInt32: expected an integer, got "abc"'],
      ["Scalars", { fInt32: 1.5 }, "json: tsgrpc.json.test.Scalars.fInt32: expected an integer, got 1.5"],
      ["Scalars", '{"fUint32": 4294967296}', "json: tsgrpc.json.test.Scalars.fUint32: 4294967296 is out of range for uint32"],
      ["Scalars", '{"fInt64": 1e1000000}', "json: tsgrpc.json.test.Scalars.fInt64: 1e1000000 is out of range for int64"],
      ["Scalars", '{"fDouble": 1e400}', "json: tsgrpc.json.test.Scalars.fDouble: 1e400 is out of range for double"],
      ["Scalars", { fFloat: 1e39 }, "json: tsgrpc.json.test.Scalars.fFloat: 1e+39 is out of range for float"],
      ["Scalars", { fBool: "true" }, 'json: tsgrpc.json.test.Scalars.fBool: expected true or false, got "true"'],
      ["Scalars", { fString: "\ud800" }, "json: tsgrpc.json.test.Scalars.fString: string is not valid UTF-16 (a lone surrogate)"],
      ["Scalars", { fBytes: "A" }, 'json: tsgrpc.json.test.Scalars.fBytes: expected base64 text, got "A"'],
      [
        "Scalars",
        { fEnum: "COLOR_PURPLE" },
        'json: tsgrpc.json.test.Scalars.fEnum: "COLOR_PURPLE" is not a value of enum tsgrpc.json.test.Color',
      ],
      ["Scalars", { fEnum: true }, "json: tsgrpc.json.test.Scalars.fEnum: expected an enum value name or an integer, got true"],
      ["Scalars", { nope: 1 }, 'json: tsgrpc.json.test.Scalars: no field named "nope"'],
      ["Scalars", { fInt32: 1, f_int32: 1 }, 'json: tsgrpc.json.test.Scalars: field f_int32 is given twice, as "fInt32" and "f_int32"'],
      ["Scalars", '{"fInt32": 1, "fInt32": 1}', 'json: tsgrpc.json.test.Scalars: invalid JSON at offset 22: key "fInt32" appears twice'],
      ["Scalars", "[1]", "json: tsgrpc.json.test.Scalars: expected an object, got [1]"],
      ["Repeated", { rInt32: [1, "x"] }, 'json: tsgrpc.json.test.Repeated.rInt32[1]: expected an integer, got "x"'],
      ["Repeated", { rMessage: [{}, { fInt32: [] }] }, "json: tsgrpc.json.test.Repeated.rMessage[1].fInt32: expected an integer, got []"],
      ["Repeated", { rInt32: [null] }, "json: tsgrpc.json.test.Repeated.rInt32[0]: a list element cannot be null"],
      ["Repeated", { rInt32: {} }, "json: tsgrpc.json.test.Repeated.rInt32: expected an array, got {}"],
      ["Maps", { int32Int32: { x: 1 } }, 'json: tsgrpc.json.test.Maps.int32Int32["x"]: expected an integer, got "x"'],
      ["Maps", { int32Int32: { "1": 1, "01": 2 } }, 'json: tsgrpc.json.test.Maps.int32Int32["01"]: map key 1 is given twice'],
      ["Maps", { boolString: { yes: "" } }, 'json: tsgrpc.json.test.Maps.boolString["yes"]: expected a bool map key "true" or "false"'],
      ["Maps", { fixed64Message: { "1": null } }, 'json: tsgrpc.json.test.Maps.fixed64Message["1"]: a map value cannot be null'],
      ["Maps", { int32Int32: [] }, "json: tsgrpc.json.test.Maps.int32Int32: expected an object (a map), got []"],
      [
        "Presence",
        { choiceInt32: 1, choiceMessage: {} },
        'json: tsgrpc.json.test.Presence: oneof choice has two members set: "choiceInt32" and "choiceMessage"',
      ],
      ["Presence", { message: { fInt64: true } }, "json: tsgrpc.json.test.Presence.message.fInt64: expected an integer, got true"],
    ];
    for (const [type, json, message] of cases)
      it(message, () =>
        expect(() => encode(type, json))
          .to.throw(GrpcError, message)
          .with.property("code", Code.InvalidArgument),
      );
  });

  it("takes null as unset for a oneof member that is not a Value or NullValue", () => {
    expect(hex(encode("Presence", { choiceInt32: null, choiceString: "x" }))).to.equal("5a0178");
    fails("Presence", { choiceNull: null, choiceInt32: 1 }, /oneof choice has two members set/);
  });
});
