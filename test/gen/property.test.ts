// Property tests of the generated codec: round trips over arbitrary messages, and cross-checks
// against protobufjs reflection over the same .proto, in both directions.
import { expect } from "chai";
import fc from "fast-check";
import { join } from "node:path";
import protobuf from "protobufjs";
import type { ScalarsInput, Shapes as ShapesMessage } from "./golden/demo/v1/shapes_pb.js";
import { Scalars, Shapes } from "./golden/demo/v1/shapes_pb.js";
import { PROTO_DIR } from "./golden-protos.js";

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const text = fc.fullUnicodeString({ maxLength: 60 });
const color = fc.constantFrom(0, 1, 2, 7);

const scalars = fc.record({
  aDouble: fc.double(),
  aFloat: fc.float(),
  aInt32: int32,
  aInt64: int64,
  aUint32: uint32,
  aUint64: uint64,
  aSint32: int32,
  aSint64: int64,
  aFixed32: uint32,
  aFixed64: uint64,
  aSfixed32: int32,
  aSfixed64: int64,
  aBool: fc.boolean(),
  aString: text,
  aBytes: fc.uint8Array({ maxLength: 40 }),
});

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });
const timestamp = fc.record({ seconds: int64, nanos: int32 });

const shapes: fc.Arbitrary<ShapesMessage> = fc.record({
  packedInts: fc.array(int32, { maxLength: 5 }),
  unpackedInts: fc.array(int32, { maxLength: 5 }),
  packedSint64s: fc.array(int64, { maxLength: 5 }),
  doubles: fc.array(fc.double(), { maxLength: 5 }),
  strings: fc.array(text, { maxLength: 5 }),
  blobs: fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 3 }),
  colors: fc.array(color, { maxLength: 5 }),
  children: fc.array(scalars, { maxLength: 2 }),
  byName: fc.dictionary(text, int32, { maxKeys: 4 }),
  byId: fc.dictionary(int64.map(String), text, { maxKeys: 4 }),
  byFlag: fc.dictionary(fc.constantFrom("true", "false"), scalars, { maxKeys: 2 }),
  colorsByNumber: fc.dictionary(uint32.map(String), color, { maxKeys: 4 }),
  choice: fc.oneof(
    fc.constant({ case: undefined }),
    fc.record({ case: fc.constant("text" as const), value: text }),
    fc.record({ case: fc.constant("scalars" as const), value: scalars }),
    fc.record({ case: fc.constant("number" as const), value: int64 }),
  ),
  maybe: optional(int32),
  maybeText: optional(text),
  single: optional(scalars),
  nested: optional(fc.record({ deep: optional(fc.record({ level: int32 })), color })),
  at: optional(timestamp),
  took: optional(timestamp),
});

describe("gen: generated codec properties", function () {
  this.timeout(120_000);
  it("decode(encode(m)) equals m for arbitrary Scalars", () => {
    fc.assert(
      fc.property(scalars, (value) => {
        expect(Scalars.decode(Scalars.encode(value))).to.deep.equal(value);
      }),
      { numRuns: 300 },
    );
  });

  it("decode(encode(m)) equals m for arbitrary Shapes", () => {
    fc.assert(
      fc.property(shapes, (value) => {
        expect(Shapes.decode(Shapes.encode(value))).to.deep.equal(value);
      }),
      { numRuns: 300 },
    );
  });

  it("decoding any bytes either succeeds or throws GrpcError(INTERNAL), never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        try {
          const decoded = Shapes.decode(input);
          // What decodes re-encodes and decodes the same.
          expect(Shapes.decode(Shapes.encode(decoded))).to.deep.equal(decoded);
        } catch (error) {
          expect(error).to.have.property("code", 13);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("gen: generated codec against protobufjs reflection", function () {
  this.timeout(120_000);
  // protobufjs keys 64-bit maps by an 8-character hash of the value, not its decimal string, and
  // re-encodes the bool key "false" as true (a non-empty string), so by_id (int64 keys) and by_flag
  // (bool keys) are left out of the comparison; the codec tests cover them.
  const comparable = shapes.map((value) => ({ ...value, byId: {}, byFlag: {} }));
  let reflected: protobuf.Type;
  before(async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    await root.load("demo/v1/shapes.proto");
    reflected = root.lookupType("demo.v1.Shapes");
  });

  /** The protobufjs form of a Scalars: 64-bit values as decimal strings. */
  function scalarsToReflection(value: ScalarsInput): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = { ...value };
    for (const key of ["aInt64", "aUint64", "aSint64", "aFixed64", "aSfixed64"] as const)
      if (value[key] !== undefined) out[key] = String(value[key]);
    return out;
  }

  /** The protobufjs form of a Shapes (flat oneof members, string longs). */
  function shapesToReflection(value: ShapesMessage): { [key: string]: unknown } {
    const { choice, ...rest } = value;
    const out: { [key: string]: unknown } = {
      ...rest,
      packedSint64s: value.packedSint64s.map(String),
      children: value.children.map(scalarsToReflection),
      byFlag: Object.fromEntries(Object.entries(value.byFlag).map(([key, item]) => [key, scalarsToReflection(item)])),
      single: value.single && scalarsToReflection(value.single),
      at: value.at && { seconds: String(value.at.seconds), nanos: value.at.nanos },
      took: value.took && { seconds: String(value.took.seconds), nanos: value.took.nanos },
    };
    if (choice.case === "text") out.text = choice.value;
    if (choice.case === "scalars") out.scalars = scalarsToReflection(choice.value);
    if (choice.case === "number") out.number = String(choice.value);
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
  }

  it("protobufjs decodes what we encode: re-encoded by protobufjs, it decodes back to the same message", () => {
    fc.assert(
      fc.property(comparable, (value) => {
        const viaReflection = reflected.encode(reflected.decode(Shapes.encode(value))).finish();
        expect(Shapes.decode(viaReflection)).to.deep.equal(value);
      }),
      { numRuns: 200 },
    );
  });

  it("we decode what protobufjs encodes from the same values", () => {
    fc.assert(
      fc.property(comparable, (value) => {
        const message = reflected.fromObject(shapesToReflection(value));
        expect(Shapes.decode(reflected.encode(message).finish())).to.deep.equal(value);
      }),
      { numRuns: 200 },
    );
  });

  it("protobufjs reads our values field by field", () => {
    fc.assert(
      fc.property(comparable, (value) => {
        const decoded = reflected.toObject(reflected.decode(Shapes.encode(value)), {
          longs: String,
          defaults: false,
          arrays: true,
          objects: true,
        });
        expect(decoded.packedInts).to.deep.equal(value.packedInts);
        expect(decoded.packedSint64s).to.deep.equal(value.packedSint64s.map(String));
        expect(decoded.strings).to.deep.equal(value.strings);
        expect(decoded.byName).to.deep.equal(value.byName);
        expect(decoded.colors).to.deep.equal(value.colors);
        expect(decoded.maybe).to.equal(value.maybe);
        if (value.choice.case === "number") expect(decoded.number).to.equal(String(value.choice.value));
        if (value.choice.case === "text") expect(decoded.text).to.equal(value.choice.value);
      }),
      { numRuns: 200 },
    );
  });
});
