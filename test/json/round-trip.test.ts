// Property tests: binary -> JSON -> binary is the identity on canonical messages, and JSON printed
// by toJson reads back to the same bytes and prints again unchanged.
import { expect } from "chai";
import fc from "fast-check";
import type { JsonValue } from "../../src/json/index.js";
import { testRegistry } from "./json-fixtures.js";

const T = "tsgrpc.json.test";
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

// -0 is left to the table tests: JSON.stringify prints it as 0.
const floatJson = (value: number): JsonValue =>
  Number.isNaN(value) ? "NaN" : value === Infinity ? "Infinity" : value === -Infinity ? "-Infinity" : value === 0 ? 0 : value;
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const double = fc.double().map(floatJson);
const float = fc.float().map(floatJson);
const text = fc.fullUnicodeString({ maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 12 }).map(base64);
const color = fc.oneof(fc.constantFrom("COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_GREEN"), fc.integer({ min: 3, max: 1000 }));

const scalarFields = {
  fDouble: double,
  fFloat: float,
  fInt64: int64,
  fUint64: uint64,
  fInt32: int32,
  fFixed64: uint64,
  fFixed32: uint32,
  fBool: fc.boolean(),
  fString: text,
  fBytes: bytes,
  fUint32: uint32,
  fEnum: color,
  fSfixed32: int32,
  fSfixed64: int64,
  fSint32: int32,
  fSint64: int64,
};
const scalars = fc.record(scalarFields, { requiredKeys: [] });

const repeated = fc.record(
  {
    rDouble: fc.array(double, { maxLength: 4 }),
    rFloat: fc.array(float, { maxLength: 4 }),
    rInt64: fc.array(int64, { maxLength: 4 }),
    rUint32: fc.array(uint32, { maxLength: 4 }),
    rSint32: fc.array(int32, { maxLength: 4 }),
    rBool: fc.array(fc.boolean(), { maxLength: 4 }),
    rString: fc.array(text, { maxLength: 4 }),
    rBytes: fc.array(bytes, { maxLength: 4 }),
    rEnum: fc.array(color, { maxLength: 4 }),
    rMessage: fc.array(scalars, { maxLength: 3 }),
    rUnpacked: fc.array(int32, { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value)),
    text,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(text, tie("value"), { maxKeys: 3 }),
  ),
})).value;

const maps = fc.record(
  {
    stringString: fc.dictionary(text, text, { maxKeys: 4 }),
    int32Int32: fc.dictionary(int32.map(String), int32, { maxKeys: 4 }),
    int64String: fc.dictionary(int64, text, { maxKeys: 4 }),
    uint32Bool: fc.dictionary(uint32.map(String), fc.boolean(), { maxKeys: 4 }),
    boolString: fc.dictionary(fc.constantFrom("true", "false"), text, { maxKeys: 2 }),
    fixed64Message: fc.dictionary(uint64, scalars, { maxKeys: 2 }),
    stringValue: fc.dictionary(text, json, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const seconds = fc.integer({ min: -62_135_596_800, max: 253_402_300_799 });
const nanos = fc.integer({ min: 0, max: 999_999_999 });
const timestamp = fc.tuple(seconds, nanos).map(([s, n]) => {
  const iso = new Date(s * 1000).toISOString().slice(0, 19);
  const fraction = n === 0 ? "" : `.${String(n).padStart(9, "0")}`;
  return `${iso}${fraction}Z`;
});
const duration = fc
  .tuple(fc.integer({ min: 0, max: 315_576_000_000 }), nanos, fc.boolean())
  .map(([s, n, negative]) => `${negative ? "-" : ""}${s}${n === 0 ? "" : `.${String(n).padStart(9, "0")}`}s`);
const fieldMask = fc
  .array(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}(\.[a-z][a-zA-Z0-9]{0,6})?$/), { maxLength: 3 })
  .map((paths) => paths.join(","));
const wellKnown = fc.record(
  {
    any: fc.oneof(
      scalars.map((fields) => ({ "@type": `type.googleapis.com/${T}.Scalars`, ...fields })),
      timestamp.map((value) => ({ "@type": "type.googleapis.com/google.protobuf.Timestamp", value })),
      json.map((value) => ({ "@type": "type.googleapis.com/google.protobuf.Value", value })),
    ),
    timestamp,
    duration,
    fieldMask: fieldMask.filter((mask) => !/[A-Z][A-Z]|[A-Z]\.|[A-Z]$|[0-9]/.test(mask)),
    struct: fc.dictionary(text, json, { maxKeys: 3 }),
    value: json,
    listValue: fc.array(json, { maxLength: 3 }),
    int64Value: int64,
    floatValue: float,
    bytesValue: bytes,
    rTimestamp: fc.array(timestamp, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe("json: round trips (fast-check)", function () {
  this.timeout(120_000);
  const registry = testRegistry();

  const cases: [string, fc.Arbitrary<Record<string, unknown>>][] = [
    ["Scalars", scalars],
    ["Repeated", repeated],
    ["Maps", maps],
    ["WellKnown", wellKnown],
  ];
  for (const [name, arbitrary] of cases)
    it(`${name}: JSON -> binary -> JSON -> binary is stable, and canonical binary survives JSON`, () => {
      fc.assert(
        fc.property(arbitrary, (input) => {
          const type = `${T}.${name}`;
          const first = registry.fromJson(type, input as JsonValue);
          const printed = registry.toJson(type, first);
          const second = registry.fromJson(type, printed);
          expect(hex(second)).to.equal(hex(first));
          expect(registry.toJson(type, second)).to.deep.equal(printed);
          // The printed JSON as text reads back the same (numbers and strings survive JSON.stringify).
          expect(hex(registry.fromJson(type, JSON.stringify(printed)))).to.equal(hex(first));
        }),
        { numRuns: 200 },
      );
    });

  it("prints every field it was given at a non-default value, by its JSON name", () => {
    fc.assert(
      fc.property(scalars, (input) => {
        const printed = registry.toJson(`${T}.Scalars`, registry.fromJson(`${T}.Scalars`, input as JsonValue)) as Record<string, unknown>;
        for (const [key, value] of Object.entries(input)) {
          const isDefault =
            value === 0 || (value === "0" && key !== "fString") || value === "" || value === false || value === "COLOR_UNSPECIFIED";
          if (isDefault && !Object.is(value, -0)) expect(printed).not.to.have.property(key);
          else if (key === "fFloat" && typeof value === "number") expect(Math.fround(printed[key] as number)).to.equal(value);
          else expect(printed[key]).to.deep.equal(value);
        }
      }),
      { numRuns: 300 },
    );
  });
});
