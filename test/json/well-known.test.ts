import { expect } from "chai";
import { Code, GrpcError } from "../../src/status/index.js";
import type { JsonValue } from "../../src/json/index.js";
import { testRegistry } from "./json-fixtures.js";

const P = "google.protobuf";

describe("json: well-known types", () => {
  const registry = testRegistry();
  // A string argument of fromJson is JSON text: a top-level JSON string value is passed stringified.
  const text = (json: JsonValue): JsonValue | string => (typeof json === "string" ? JSON.stringify(json) : json);
  /** JSON -> binary -> JSON, which must print `printed` (the input itself by default). */
  const roundTrip = (type: string, json: JsonValue, printed: JsonValue = json) =>
    expect(registry.toJson(type, registry.fromJson(type, text(json)))).to.deep.equal(printed);
  const fails = (type: string, json: JsonValue, message: string | RegExp) =>
    expect(() => registry.fromJson(type, text(json)))
      .to.throw(GrpcError, message)
      .with.property("code", Code.InvalidArgument);
  const printFails = (type: string, build: JsonValue, field: string, value: Uint8Array, message: string | RegExp) => {
    // Builds a valid message, then appends a raw field that breaks the type's JSON rules.
    const base = registry.fromJson(type, text(build));
    const bytes = new Uint8Array([...base, ...value]);
    expect(() => registry.toJson(type, bytes), field)
      .to.throw(GrpcError, message)
      .with.property("code", Code.InvalidArgument);
  };

  describe("Timestamp", () => {
    for (const [input, printed] of [
      ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"],
      ["1972-01-01T10:00:20.021Z", "1972-01-01T10:00:20.021Z"],
      ["1970-01-01T00:00:00.1Z", "1970-01-01T00:00:00.100Z"],
      ["1970-01-01T00:00:00.000001Z", "1970-01-01T00:00:00.000001Z"],
      ["1970-01-01T00:00:00.0000001Z", "1970-01-01T00:00:00.000000100Z"],
      ["1970-01-01T00:00:00.123456789Z", "1970-01-01T00:00:00.123456789Z"],
      ["1970-01-01T01:00:00+01:00", "1970-01-01T00:00:00Z"],
      ["1969-12-31T16:00:00-08:00", "1970-01-01T00:00:00Z"],
      ["1970-01-01t00:00:00z", "1970-01-01T00:00:00Z"],
      ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
      ["9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"],
      ["2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"],
      ["1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"],
      ["0050-06-01T00:00:00Z", "0050-06-01T00:00:00Z"],
    ] as const)
      it(`${input} prints ${printed}`, () => roundTrip(`${P}.Timestamp`, input, printed));
    for (const input of [
      "1970-01-01T00:00:00",
      "1970-01-01 00:00:00Z",
      "1970-1-01T00:00:00Z",
      "1970-01-01T00:00:00.Z",
      "1970-01-01T00:00:00.1234567891Z",
      "1970-13-01T00:00:00Z",
      "1970-02-30T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "1970-01-01T24:00:00Z",
      "1970-01-01T00:60:00Z",
      "1970-01-01T00:00:60Z",
      "1970-01-01T00:00:00+24:00",
      "0000-12-31T23:59:59Z",
      "0001-01-01T00:00:00+00:01",
      "9999-12-31T23:59:59-00:01",
    ])
      it(`rejects ${input}`, () => fails(`${P}.Timestamp`, input, /^INVALID_ARGUMENT: json: google\.protobuf\.Timestamp: /));
    it("rejects a non-string", () => fails(`${P}.Timestamp`, 0, "json: google.protobuf.Timestamp: expected a timestamp string, got 0"));
    it("refuses to print seconds or nanos out of range", () => {
      printFails(
        `${P}.Timestamp`,
        "1970-01-01T00:00:00Z",
        "seconds",
        new Uint8Array([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        /seconds .* is outside 0001-01-01T00:00:00Z\.\.9999-12-31T23:59:59Z/,
      );
      printFails(
        `${P}.Timestamp`,
        "1970-01-01T00:00:00Z",
        "nanos",
        new Uint8Array([0x10, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        /nanos -1 is outside 0\.\.999999999/,
      );
    });
  });

  describe("Duration", () => {
    for (const [input, printed] of [
      ["0s", "0s"],
      ["1s", "1s"],
      ["1.5s", "1.500s"],
      ["-1.5s", "-1.500s"],
      ["-0.5s", "-0.500s"],
      ["0.000001s", "0.000001s"],
      ["0.000000001s", "0.000000001s"],
      ["1.000340012s", "1.000340012s"],
      ["315576000000s", "315576000000s"],
      ["-315576000000.999999999s", "-315576000000.999999999s"],
      ["-0s", "0s"],
    ] as const)
      it(`${input} prints ${printed}`, () => roundTrip(`${P}.Duration`, input, printed));
    for (const input of ["1", "1.s", ".5s", "1.0000000001s", "+1s", "1e3s", " 1s", "315576000001s", "99999999999999999999s", "1m"])
      it(`rejects ${input}`, () => fails(`${P}.Duration`, input, /^INVALID_ARGUMENT: json: google\.protobuf\.Duration: /));
    it("refuses to print seconds and nanos of different signs", () =>
      printFails(
        `${P}.Duration`,
        "1s",
        "nanos",
        new Uint8Array([0x10, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        "seconds 1 and nanos -1 have different signs",
      ));
  });

  describe("FieldMask", () => {
    it("joins lowerCamelCase paths with commas", () => {
      roundTrip(`${P}.FieldMask`, "fooBar,baz.quxQuux", "fooBar,baz.quxQuux");
      expect(registry.toJson(`${P}.FieldMask`, registry.fromJson(`${P}.FieldMask`, '""'))).to.equal("");
      const bytes = registry.fromJson(`${P}.FieldMask`, '"fooBar,a.bC"');
      expect(Buffer.from(bytes).toString("latin1")).to.equal("\n\u0007foo_bar\n\u0005a.b_c");
    });
    it("rejects a snake_case path on input", () => fails(`${P}.FieldMask`, "foo_bar", 'path "foo_bar" has a "_"'));
    it("refuses to print paths with no JSON form", () => {
      const upper = new Uint8Array([0x0a, 0x03, ...Buffer.from("fOo")]);
      expect(() => registry.toJson(`${P}.FieldMask`, upper)).to.throw(GrpcError, 'path "fOo" has an uppercase letter');
      const digit = new Uint8Array([0x0a, 0x05, ...Buffer.from("foo_3")]);
      expect(() => registry.toJson(`${P}.FieldMask`, digit)).to.throw(GrpcError, 'a "_" not followed by a lowercase letter');
    });
  });

  describe("Struct, Value, ListValue", () => {
    it("map any JSON", () => {
      const json = { a: [1, "x", true, null, { b: [] }], c: {}, d: -2.5 };
      roundTrip(`${P}.Struct`, json);
      roundTrip(`${P}.Value`, json);
      roundTrip(`${P}.ListValue`, [json, null, [[]]]);
      for (const value of [null, 0, "", false, [], {}]) roundTrip(`${P}.Value`, value);
    });
    it("prints an empty Value as null (python3-protobuf does too)", () =>
      expect(registry.toJson(`${P}.Value`, new Uint8Array())).to.equal(null));
    it("refuses to print a number_value that is NaN or infinite", () => {
      const bytes = new Uint8Array([0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
      expect(() => registry.toJson(`${P}.Value`, bytes)).to.throw(GrpcError, /number_value NaN has no JSON form/);
    });
    it("rejects the wrong JSON kind", () => {
      fails(`${P}.Struct`, [1], "json: google.protobuf.Struct: expected an object, got [1]");
      fails(`${P}.ListValue`, {}, "json: google.protobuf.ListValue: expected an array, got {}");
      expect(() => registry.fromJson(`${P}.Value`, '{"a": 1e999}')).to.throw(
        GrpcError,
        'json: google.protobuf.Value["a"]: 1e999 is out of range for a Value\'s number_value',
      );
    });
    it("keeps null in a Value field and in the NullValue enum", () => {
      roundTrip("tsgrpc.json.test.Presence", { choiceValue: null });
      roundTrip("tsgrpc.json.test.Presence", { choiceNull: null });
      roundTrip("tsgrpc.json.test.WellKnown", { rValue: [null, null] });
      roundTrip("tsgrpc.json.test.Maps", { stringValue: { k: null } });
    });
  });

  describe("wrappers", () => {
    const cases: [string, JsonValue][] = [
      ["DoubleValue", 1.5],
      ["DoubleValue", "NaN"],
      ["FloatValue", 0.1],
      ["Int64Value", "-9223372036854775808"],
      ["UInt64Value", "18446744073709551615"],
      ["Int32Value", -1],
      ["UInt32Value", 4294967295],
      ["BoolValue", true],
      ["StringValue", "s"],
      ["BytesValue", "AAE="],
      ["Int32Value", 0],
      ["BoolValue", false],
      ["StringValue", ""],
    ];
    for (const [type, json] of cases) it(`${type} ${JSON.stringify(json)} is a bare value`, () => roundTrip(`${P}.${type}`, json));
    it("a wrapper field set to its default is printed (it has presence)", () =>
      roundTrip("tsgrpc.json.test.WellKnown", { int32Value: 0, boolValue: false, stringValue: "" }));
    it("a wrapper field set to null is unset", () =>
      expect(registry.fromJson("tsgrpc.json.test.WellKnown", { int32Value: null }).length).to.equal(0));
    it("a wrapper names its value in errors", () =>
      fails(`${P}.Int32Value`, "x", 'json: google.protobuf.Int32Value.value: expected an integer, got "x"'));
  });

  describe("Any", () => {
    const url = (type: string) => `type.googleapis.com/${type}`;
    it("inlines a message's fields beside @type", () =>
      roundTrip(`${P}.Any`, { "@type": url("tsgrpc.json.test.Scalars"), fInt32: 1, fString: "s" }));
    it("puts a well-known payload under value", () => {
      roundTrip(`${P}.Any`, { "@type": url(`${P}.Duration`), value: "1.500s" });
      roundTrip(`${P}.Any`, { "@type": url(`${P}.Value`), value: null });
      roundTrip(`${P}.Any`, { "@type": url(`${P}.Any`), value: { "@type": url(`${P}.Int64Value`), value: "5" } });
    });
    it("treats Empty as an ordinary message", () => roundTrip(`${P}.Any`, { "@type": url(`${P}.Empty`) }));
    it("prints an empty Any as {}", () => roundTrip(`${P}.Any`, {}));
    it("accepts @type after the fields, and any URL prefix", () =>
      roundTrip(
        `${P}.Any`,
        { fInt32: 1, "@type": "example.com/x/tsgrpc.json.test.Scalars" },
        { "@type": "example.com/x/tsgrpc.json.test.Scalars", fInt32: 1 },
      ));
    it("resolves a well-known type the registry's files do not import", () =>
      roundTrip("tsgrpc.json.test2.Legacy", { flag: true }) /* a proto2 file with no imports */);
    it("rejects what it cannot map", () => {
      fails(`${P}.Any`, { fInt32: 1 }, 'json: google.protobuf.Any: an Any needs "@type", a type URL string');
      fails(`${P}.Any`, { "@type": url("no.Such") }, /names a type the registry does not know/);
      fails(`${P}.Any`, { "@type": url(`${P}.Duration`) }, /needs "value"/);
      fails(`${P}.Any`, { "@type": url(`${P}.Duration`), value: "1s", extra: 1 }, /has only "@type" and "value", not "extra"/);
      fails(`${P}.Any`, { "@type": url("tsgrpc.json.test.Scalars"), nope: 1 }, 'json: google.protobuf.Any: no field named "nope"');
      fails(
        `${P}.Any`,
        { "@type": url(`${P}.Timestamp`), value: "x" },
        /^INVALID_ARGUMENT: json: google\.protobuf\.Any\.value: expected an RFC 3339/,
      );
    });
    it("refuses to print an Any of an unknown type, or a value without a type", () => {
      const unknownType = new Uint8Array([0x0a, 0x07, ...Buffer.from("x/no.Such")].slice(0, 9));
      expect(() => registry.toJson(`${P}.Any`, unknownType)).to.throw(GrpcError, /holds "x\/no\.Su", a type the registry does not know/);
      expect(() => registry.toJson(`${P}.Any`, new Uint8Array([0x12, 0x01, 0x08]))).to.throw(GrpcError, "Any has a value but no type_url");
    });
  });

  it("Empty is {}", () => roundTrip(`${P}.Empty`, {}));
});
