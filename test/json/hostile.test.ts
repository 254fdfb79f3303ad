// Hostile input: deep nesting, huge numbers, wrong types, cycles and garbage never crash or hang;
// each is GrpcError(INVALID_ARGUMENT) naming the layer and the limit.
import { expect } from "chai";
import { BinaryWriter } from "../../src/protobuf/index.js";
import { JSON_MAX_DEPTH, type JsonValue } from "../../src/json/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { testRegistry } from "./json-fixtures.js";

const R = "tsgrpc.json.test.Recursive";

function nestedJson(depth: number): JsonValue {
  let json: JsonValue = { depth };
  for (let i = 1; i < depth; i++) json = { child: json };
  return json;
}

function nestedBinary(depth: number): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(0);
  for (let i = 1; i < depth; i++) {
    const writer = new BinaryWriter();
    writer.uint32((1 << 3) | 2).bytes(bytes);
    bytes = writer.finish();
  }
  return bytes;
}

function rejects(action: () => unknown, message: string | RegExp): void {
  expect(action).to.throw(GrpcError, message).with.property("code", Code.InvalidArgument);
}

describe("json: hostile input", () => {
  const registry = testRegistry();

  it(`allows messages nested ${JSON_MAX_DEPTH} deep, and no deeper, in both directions`, () => {
    const bytes = registry.fromJson(R, nestedJson(JSON_MAX_DEPTH));
    expect(registry.toJson(R, bytes)).to.deep.equal(nestedJson(JSON_MAX_DEPTH));
    rejects(
      () => registry.fromJson(R, nestedJson(JSON_MAX_DEPTH + 1)),
      /^INVALID_ARGUMENT: json: tsgrpc\.json\.test\.Recursive(\.child){100}: messages nest deeper than 100$/,
    );
    expect(registry.toJson(R, nestedBinary(JSON_MAX_DEPTH))).to.be.an("object");
    rejects(() => registry.toJson(R, nestedBinary(JSON_MAX_DEPTH + 1)), /messages nest deeper than 100/);
  });

  it("bounds nesting through Struct, ListValue and Any", () => {
    rejects(() => registry.fromJson("google.protobuf.Value", "[".repeat(100_000) + "]".repeat(100_000)), /nesting deeper than 256/);
    let value: JsonValue = 1;
    for (let i = 0; i < 60; i++) value = [value];
    rejects(() => registry.fromJson("google.protobuf.Value", value), /messages nest deeper than 100/);
    let any: JsonValue = {};
    for (let i = 0; i < 120; i++) any = { "@type": "type.googleapis.com/google.protobuf.Any", value: any };
    rejects(() => registry.fromJson("google.protobuf.Any", any), /messages nest deeper than 100/);
  });

  it("survives a cyclic object", () => {
    const cycle: Record<string, JsonValue> = {};
    cycle.child = cycle;
    rejects(() => registry.fromJson(R, cycle), /messages nest deeper than 100/);
    const list: JsonValue[] = [];
    list.push(list);
    rejects(() => registry.fromJson("google.protobuf.ListValue", list), /messages nest deeper than 100/);
  });

  it("rejects huge numbers without building them", () => {
    const digits = "9".repeat(1_000_000);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", `{"fInt64": ${digits}}`), /is out of range for int64/);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", `{"fUint64": "1e99999999999"}`), /out of range for uint64/);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", `{"fInt32": 1e-99999999999}`), /expected an integer/);
    rejects(() => registry.fromJson("google.protobuf.Duration", `"${digits}s"`), /is outside ±315576000000s/);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", `{"fDouble": ${digits}}`), /out of range for double/);
  });

  it("rejects every wrong JSON kind for every scalar type", () => {
    const fields = [
      "fDouble",
      "fFloat",
      "fInt64",
      "fUint64",
      "fInt32",
      "fFixed64",
      "fFixed32",
      "fBool",
      "fString",
      "fBytes",
      "fUint32",
      "fEnum",
      "fSfixed32",
      "fSfixed64",
      "fSint32",
      "fSint64",
    ];
    for (const field of fields)
      for (const bad of [{}, [], [1], { a: 1 }] as JsonValue[])
        rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", { [field]: bad }), new RegExp(`Scalars\\.${field}: expected`));
  });

  it("rejects malformed JSON text with its offset", () => {
    const cases: [string, RegExp][] = [
      ["", /offset 0: unexpected end/],
      ["{", /offset 1: expected a key in quotes/],
      ['{"fInt32" 1}', /offset 10: expected ":"/],
      ['{"fInt32": 1,}', /offset 13: expected a key in quotes/],
      ['{"fInt32": 01}', /offset 12: expected "," or "}"/],
      ['{"fInt32": 1} x', /offset 14: text after the value/],
      ['{"fString": "a\nb"}', /control character in a string/],
      ['{"fString": "\\x"}', /bad escape \\x/],
      ['{"fString": "\\u12"}', /bad \\u escape/],
      ['{"fString": "abc', /unterminated string/],
      ["{'fInt32': 1}", /expected a key in quotes/],
      ["NaN", /unexpected "N"/],
      ['{"fInt32": +1}', /unexpected "\+"/],
      ['{"fInt32": .5}', /unexpected "\."/],
    ];
    for (const [text, message] of cases) rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", text), message);
  });

  it("parses JSON text: escapes, surrogate pairs, whitespace", () => {
    const bytes = registry.fromJson(
      "tsgrpc.json.test.Scalars",
      ' \t\n{ "fString" : "\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00" }\r\n',
    );
    expect(registry.toJson("tsgrpc.json.test.Scalars", bytes)).to.deep.equal({ fString: '"\\/\b\f\n\r\t\u00e9\ud83d\ude00' });
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", '{"fString": "\\ud83d"}'), /lone surrogate/);
  });

  it("ignores keys on the prototype chain and treats __proto__ as a plain key", () => {
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", '{"__proto__": {"fInt32": 1}}'), 'no field named "__proto__"');
    const inherited = Object.create({ fInt32: 5 }) as JsonValue;
    expect(registry.fromJson("tsgrpc.json.test.Scalars", inherited).length).to.equal(0);
    const bytes = registry.fromJson("tsgrpc.json.test.Maps", '{"stringString": {"__proto__": "p", "constructor": "c"}}');
    expect(registry.toJson("tsgrpc.json.test.Maps", bytes)).to.deep.equal(
      JSON.parse('{"stringString": {"__proto__": "p", "constructor": "c"}}'),
    );
  });

  it("rejects values JSON cannot hold, from a caller's object", () => {
    rejects(
      () => registry.fromJson("tsgrpc.json.test.Scalars", { fInt32: undefined as unknown as JsonValue }),
      /expected an integer, got undefined/,
    );
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", { fInt64: 10n as unknown as JsonValue }), /expected an integer, got 10/);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", { fInt32: Number.NaN }), /expected an integer, got NaN/);
    rejects(() => registry.fromJson("tsgrpc.json.test.Scalars", { fFloat: 1e300 }), /out of range for float/);
  });

  it("survives random bytes in toJson: a result or INVALID_ARGUMENT, never a crash", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const types = ["Scalars", "Repeated", "Maps", "Presence", "Recursive", "WellKnown"].map((name) => `tsgrpc.json.test.${name}`);
    for (let i = 0; i < 3000; i++) {
      const bytes = new Uint8Array(random() % 40).map(() => random() & 0xff);
      for (const type of types) {
        try {
          registry.toJson(type, bytes);
        } catch (error) {
          expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.InvalidArgument);
        }
      }
    }
  });
});
