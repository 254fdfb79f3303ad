import { expect } from "chai";
import { BinaryWriter } from "../../src/protobuf/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { testRegistry } from "./json-fixtures.js";

const T = "tsgrpc.json.test";

/** Bytes written by hand with the wire-format writer, so the input does not come from fromJson. */
function wire(build: (writer: BinaryWriter) => void): Uint8Array {
  const writer = new BinaryWriter();
  build(writer);
  return writer.finish();
}

function rejects(action: () => unknown, pattern: RegExp): void {
  expect(action).to.throw(GrpcError, pattern).with.property("code", Code.InvalidArgument);
}

describe("json: toJson (binary -> proto3 JSON)", () => {
  const registry = testRegistry();
  const toJson = (type: string, bytes: Uint8Array, options?: Parameters<typeof registry.toJson>[2]) =>
    registry.toJson(`${T}.${type}`, bytes, options);

  describe("scalars", () => {
    const cases: [string, (writer: BinaryWriter) => void, unknown][] = [
      ["int64 as a string", (w) => w.uint32(3 << 3).int64(-5n), { fInt64: "-5" }],
      ["uint64 max as a string", (w) => w.uint32(4 << 3).uint64(2n ** 64n - 1n), { fUint64: "18446744073709551615" }],
      ["fixed64 as a string", (w) => w.uint32((6 << 3) | 1).fixed64(7n), { fFixed64: "7" }],
      ["sfixed64 min as a string", (w) => w.uint32((16 << 3) | 1).sfixed64(-(2n ** 63n)), { fSfixed64: "-9223372036854775808" }],
      ["sint64 as a string", (w) => w.uint32(18 << 3).sint64(-8n), { fSint64: "-8" }],
      ["int32 as a number", (w) => w.uint32(5 << 3).int32(-1), { fInt32: -1 }],
      ["uint32 max as a number", (w) => w.uint32(13 << 3).uint32(4294967295), { fUint32: 4294967295 }],
      ["sint32", (w) => w.uint32(17 << 3).sint32(-2147483648), { fSint32: -2147483648 }],
      ["fixed32", (w) => w.uint32((7 << 3) | 5).fixed32(4294967295), { fFixed32: 4294967295 }],
      ["float at its shortest", (w) => w.uint32((2 << 3) | 5).float(0.1), { fFloat: 0.1 }],
      ["float NaN", (w) => w.uint32((2 << 3) | 5).float(Number.NaN), { fFloat: "NaN" }],
      ["double Infinity", (w) => w.uint32((1 << 3) | 1).double(Number.POSITIVE_INFINITY), { fDouble: "Infinity" }],
      ["double -Infinity", (w) => w.uint32((1 << 3) | 1).double(Number.NEGATIVE_INFINITY), { fDouble: "-Infinity" }],
      ["double -0", (w) => w.uint32((1 << 3) | 1).double(-0), { fDouble: -0 }],
      ["bool", (w) => w.uint32(8 << 3).bool(true), { fBool: true }],
      ["string", (w) => w.uint32((9 << 3) | 2).string("h\u00e9"), { fString: "h\u00e9" }],
      ["bytes as padded standard base64", (w) => w.uint32((12 << 3) | 2).bytes(new Uint8Array([0xfb, 0xff])), { fBytes: "+/8=" }],
      ["an enum by name", (w) => w.uint32(14 << 3).int32(2), { fEnum: "COLOR_GREEN" }],
      ["an unknown enum number as a number", (w) => w.uint32(14 << 3).int32(9), { fEnum: 9 }],
      [
        "zero values of fields without presence left out",
        (w) =>
          w
            .uint32(5 << 3)
            .int32(0)
            .uint32((9 << 3) | 2)
            .string(""),
        {},
      ],
      [
        "the last of a repeated singular value",
        (w) =>
          w
            .uint32(5 << 3)
            .int32(1)
            .uint32(5 << 3)
            .int32(2),
        { fInt32: 2 },
      ],
      [
        "unknown fields dropped",
        (w) =>
          w
            .uint32(99 << 3)
            .int32(1)
            .uint32((98 << 3) | 2)
            .string("x"),
        {},
      ],
      ["a field of the wrong wire type skipped", (w) => w.uint32((5 << 3) | 2).string("x"), {}],
    ];
    for (const [name, build, json] of cases) it(name, () => expect(toJson("Scalars", wire(build))).to.deep.equal(json));
  });

  it("prints repeated fields, packed or not, and merges repeated message occurrences", () => {
    const bytes = wire((w) => {
      const start = w.uint32((5 << 3) | 2).fork();
      w.int32(1).int32(-2);
      w.join(start);
      w.uint32(5 << 3).int32(3); // the same field unpacked: appended
      w.uint32((20 << 3) | 2)
        .uint32(2)
        .int32(7)
        .int32(8); // an unpacked field sent packed: accepted
    });
    expect(toJson("Repeated", bytes)).to.deep.equal({ rInt32: [1, -2, 3], rUnpacked: [7, 8] });
    const merged = wire((w) => {
      w.uint32((20 << 3) | 2)
        .uint32(2)
        .uint32(5 << 3)
        .int32(1);
      w.uint32((20 << 3) | 2)
        .uint32(2)
        .uint32(8 << 3)
        .bool(true);
    });
    expect(toJson("Presence", merged)).to.deep.equal({ message: { fInt32: 1, fBool: true } });
  });

  it("prints maps with string keys, the last of a repeated key, and entries missing key or value", () => {
    const bytes = wire((w) => {
      const entry = (key: number, value: boolean | undefined) => {
        const start = w.uint32((4 << 3) | 2).fork();
        w.uint32(1 << 3).uint32(key);
        if (value !== undefined) w.uint32(2 << 3).bool(value);
        w.join(start);
      };
      entry(1, true);
      entry(1, false);
      entry(2, undefined);
      w.uint32((12 << 3) | 2).uint32(0); // bool_string: an entry with neither key nor value
    });
    expect(toJson("Maps", bytes)).to.deep.equal({ uint32Bool: { "1": false, "2": false }, boolString: { false: "" } });
    const proto = registry.fromJson(`${T}.Maps`, '{"stringString": {"__proto__": "x"}}');
    const json = toJson("Maps", proto) as { stringString: object };
    expect(Object.getOwnPropertyNames(json.stringString)).to.deep.equal(["__proto__"]);
    expect(Object.getPrototypeOf(json.stringString)).to.equal(Object.prototype);
  });

  it("prints presence: proto3 optional and oneof members even at their default", () => {
    const bytes = registry.fromJson(`${T}.Presence`, { optInt32: 0, choiceString: "" });
    expect(toJson("Presence", bytes)).to.deep.equal({ optInt32: 0, choiceString: "" });
    const last = wire((w) =>
      w
        .uint32(10 << 3)
        .int32(1)
        .uint32((11 << 3) | 2)
        .string("x"),
    );
    expect(toJson("Presence", last), "the last oneof member on the wire wins").to.deep.equal({ choiceString: "x" });
  });

  describe("options", () => {
    it("emitDefaults prints every field without presence", () => {
      expect(toJson("Scalars", new Uint8Array(), { emitDefaults: true })).to.deep.equal({
        fDouble: 0,
        fFloat: 0,
        fInt64: "0",
        fUint64: "0",
        fInt32: 0,
        fFixed64: "0",
        fFixed32: 0,
        fBool: false,
        fString: "",
        fBytes: "",
        fUint32: 0,
        fEnum: "COLOR_UNSPECIFIED",
        fSfixed32: 0,
        fSfixed64: "0",
        fSint32: 0,
        fSint64: "0",
      });
      expect(toJson("Presence", new Uint8Array(), { emitDefaults: true })).to.deep.equal({ plain: 0, renamed: 0 });
      const repeated = toJson("Repeated", new Uint8Array(), { emitDefaults: true }) as Record<string, unknown>;
      expect(repeated.rInt32).to.deep.equal([]);
      expect((toJson("Maps", new Uint8Array(), { emitDefaults: true }) as Record<string, unknown>).int32Int32).to.deep.equal({});
      expect((toJson("WellKnown", new Uint8Array(), { emitDefaults: true }) as Record<string, unknown>).nullValue).to.equal(null);
    });

    it("enumAsInteger prints enum numbers", () => {
      expect(
        toJson(
          "Scalars",
          wire((w) => w.uint32(14 << 3).int32(1)),
          { enumAsInteger: true },
        ),
      ).to.deep.equal({ fEnum: 1 });
    });

    it("useProtoFieldName prints the .proto names", () => {
      const bytes = registry.fromJson(`${T}.Presence`, { renamed: 1, optInt32: 2 });
      expect(toJson("Presence", bytes, { useProtoFieldName: true })).to.deep.equal({ opt_int32: 2, custom_json: 1 });
      expect(toJson("Presence", bytes)).to.deep.equal({ optInt32: 2, renamed: 1 });
    });
  });

  describe("errors", () => {
    it("malformed bytes", () =>
      rejects(
        () => toJson("Scalars", new Uint8Array([0x0a, 0x05, 0x01])),
        /^INVALID_ARGUMENT: json: tsgrpc\.json\.test\.Scalars: malformed binary message: /,
      ));
    it("invalid UTF-8 in a string, naming the field", () =>
      rejects(
        () => toJson("Scalars", new Uint8Array([0x4a, 0x01, 0xff])),
        /json: tsgrpc\.json\.test\.Scalars\.fString: string field holds invalid UTF-8/,
      ));
    it("a nested problem names the path", () => {
      const bytes = wire((w) => {
        const start = w.uint32((19 << 3) | 2).fork();
        w.uint32(18 << 3)
          .int32(0)
          .uint32((9 << 3) | 2)
          .uint32(1)
          .raw(new Uint8Array([0xc0]));
        w.join(start);
      });
      rejects(
        () => toJson("Repeated", bytes),
        /json: tsgrpc\.json\.test\.Repeated\.rMessage\[0\]\.fString: string field holds invalid UTF-8/,
      );
    });
  });
});
