// The generated codec's proto semantics, on the golden modules of test/gen/protos.
import { expect } from "chai";
import { Code, GrpcError, UNKNOWN_FIELDS, unknownFieldsOf } from "../../src/index.js";
import { Record$ as LegacyRecord } from "./golden/legacy_pb.js";
import { Loose } from "./golden/nopkg_pb.js";
import { Shapes as OlderShapes } from "./golden/demo/v1/older_pb.js";
import { Color, Error$, Nothing, Object$, Scalars, Shapes, Shop } from "./golden/demo/v1/shapes_pb.js";

/** Bytes from a list of numbers and byte arrays. */
function bytes(...parts: (number | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "number") out.push(part);
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

/** A varint. */
function varint(value: number): number[] {
  const out: number[] = [];
  for (; value > 0x7f; value = Math.floor(value / 128)) out.push((value & 0x7f) | 0x80);
  out.push(value);
  return out;
}

/** A length-delimited field: tag, length, content. */
function delimited(tag: number, content: number[] | Uint8Array): number[] {
  return [...varint(tag), ...varint(content.length), ...content];
}

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];

function expectInternal(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(GrpcError);
  expect((caught as GrpcError).code).to.equal(Code.Internal);
  expect((caught as GrpcError).statusMessage).to.match(/^codec: /);
  expect((caught as GrpcError).statusMessage).to.match(pattern);
}

describe("gen: generated codec", () => {
  it("decodes empty bytes to a complete message with every default", () => {
    expect(Scalars.decode(new Uint8Array(0))).to.deep.equal({
      aDouble: 0,
      aFloat: 0,
      aInt32: 0,
      aInt64: 0n,
      aUint32: 0,
      aUint64: 0n,
      aSint32: 0,
      aSint64: 0n,
      aFixed32: 0,
      aFixed64: 0n,
      aSfixed32: 0,
      aSfixed64: 0n,
      aBool: false,
      aString: "",
      aBytes: new Uint8Array(0),
    });
    const shapes = Shapes.decode(new Uint8Array(0));
    expect(shapes).to.deep.equal(Shapes.create());
    expect(shapes.choice).to.deep.equal({ case: undefined });
    expect(shapes.maybe).to.equal(undefined);
    expect(shapes.single).to.equal(undefined);
    expect(shapes.packedInts).to.deep.equal([]);
    expect(shapes.byName).to.deep.equal({});
  });

  it("encodes defaults as nothing (proto3 implicit presence) and explicit presence when set", () => {
    expect(Scalars.encode({ aInt32: 0, aString: "", aBool: false, aInt64: 0n, aBytes: new Uint8Array(0) })).to.deep.equal(
      new Uint8Array(0),
    );
    expect(Shapes.encode({ maybe: 0 })).to.deep.equal(bytes(128, 1, 0));
    expect(Shapes.encode({ choice: { case: "text", value: "" } })).to.deep.equal(bytes(106, 0));
    expect(Scalars.encode({ aDouble: -0 })).to.deep.equal(bytes(9, 0, 0, 0, 0, 0, 0, 0, 0x80));
  });

  it("writes a negative int32 as a ten-byte varint, and reads it back", () => {
    const encoded = Scalars.encode({ aInt32: -1 });
    expect(encoded).to.deep.equal(bytes(24, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1));
    expect(Scalars.decode(encoded).aInt32).to.equal(-1);
    expect(Scalars.decode(Scalars.encode({ aInt32: -2147483648 })).aInt32).to.equal(-2147483648);
  });

  it("round-trips the 64-bit extremes of every 64-bit type as bigint", () => {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    const umax = 2n ** 64n - 1n;
    for (const value of [min, max, -1n, 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 4294967296n, -4294967296n]) {
      const decoded = Scalars.decode(Scalars.encode({ aInt64: value, aSint64: value, aSfixed64: value }));
      expect([decoded.aInt64, decoded.aSint64, decoded.aSfixed64]).to.deep.equal([value, value, value]);
    }
    for (const value of [umax, 2n ** 63n, 2n ** 32n - 1n, 2n ** 53n + 1n]) {
      const decoded = Scalars.decode(Scalars.encode({ aUint64: value, aFixed64: value }));
      expect([decoded.aUint64, decoded.aFixed64]).to.deep.equal([value, value]);
    }
  });

  it("accepts packed and unpacked encodings of every packable repeated field", () => {
    // packed_ints (1) sent unpacked, unpacked_ints (2) sent packed, then both forms mixed.
    const decoded = Shapes.decode(bytes(8, 1, 8, 2, ...delimited(18, [3, 4]), ...delimited(10, [5]), 16, 6));
    expect(decoded.packedInts).to.deep.equal([1, 2, 5]);
    expect(decoded.unpackedInts).to.deep.equal([3, 4, 6]);
    expect(Shapes.encode({ packedInts: [1, 2], unpackedInts: [3, 4] })).to.deep.equal(bytes(...delimited(10, [1, 2]), 16, 3, 16, 4));
  });

  it("keeps the last value of a non-repeated field and of a oneof", () => {
    expect(Scalars.decode(bytes(24, 1, 24, 2)).aInt32).to.equal(2);
    const decoded = Shapes.decode(bytes(...delimited(106, utf8("a")), 120, 7));
    expect(decoded.choice).to.deep.equal({ case: "number", value: 7n });
    expect(Shapes.decode(bytes(120, 7, ...delimited(106, utf8("b")))).choice).to.deep.equal({ case: "text", value: "b" });
  });

  it("merges an embedded message that appears twice, and a oneof message of the same case", () => {
    const first = Scalars.encode({ aInt32: 1, aString: "x" });
    const second = Scalars.encode({ aBool: true, aString: "y" });
    const decoded = Shapes.decode(bytes(...delimited(146, first), ...delimited(146, second)));
    expect(decoded.single).to.deep.include({ aInt32: 1, aBool: true, aString: "y" });
    const oneof = Shapes.decode(bytes(...delimited(114, first), ...delimited(114, second)));
    expect(oneof.choice.case).to.equal("scalars");
    expect(oneof.choice.value).to.deep.include({ aInt32: 1, aBool: true, aString: "y" });
  });

  it("fills a map entry's missing key or value with its default", () => {
    const noKey = Shapes.decode(bytes(...delimited(74, [16, 5])));
    expect(noKey.byName).to.deep.equal({ "": 5 });
    const noValue = Shapes.decode(bytes(...delimited(74, delimited(10, utf8("k")))));
    expect(noValue.byName).to.deep.equal({ k: 0 });
    const empty = Shapes.decode(bytes(...delimited(90, [])));
    expect(empty.byFlag).to.deep.equal({ false: Scalars.create() });
    expect(Shapes.decode(bytes(...delimited(82, [8, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]))).byId).to.deep.equal({ "-1": "" });
  });

  it("writes map keys of every kind from their string form", () => {
    const value = { byId: { "-5": "minus five" }, byFlag: { true: { aInt32: 1 } }, colorsByNumber: { 4294967295: Color.COLOR_RED } };
    expect(Shapes.decode(Shapes.encode(value))).to.deep.include({ ...value, byFlag: { true: { ...Scalars.create(), aInt32: 1 } } });
  });

  it("keeps the map key __proto__ as an own property, never the prototype", () => {
    const decoded = Shapes.decode(bytes(...delimited(74, [...delimited(10, utf8("__proto__")), 16, 3])));
    expect(Object.getPrototypeOf(decoded.byName)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded.byName, "__proto__")?.value).to.equal(3);
    expect(Shapes.decode(Shapes.encode(decoded)).byName).to.deep.equal(decoded.byName);
  });

  it("rejects invalid UTF-8 in a proto3 string field with INTERNAL naming the field", () => {
    expectInternal(() => Scalars.decode(bytes(...delimited(114, [0x61, 0xff, 0x62]))), /demo\.v1\.Scalars\.a_string/);
    expectInternal(() => Shapes.decode(bytes(...delimited(42, [0xc0, 0x80]))), /demo\.v1\.Shapes\.strings/);
    const long = [...utf8("x".repeat(40)), 0xed, 0xa0, 0x80];
    expectInternal(() => Shapes.decode(bytes(...delimited(106, long))), /demo\.v1\.Shapes\.text/);
    expectInternal(() => Shapes.decode(bytes(...delimited(74, delimited(10, [0xfe])))), /demo\.v1\.Shapes\.by_name\.key/);
  });

  it("reads invalid UTF-8 in a proto2 string leniently, as U+FFFD", () => {
    expect(LegacyRecord.decode(bytes(8, 1, ...delimited(18, [0x61, 0xff]))).name).to.equal("a\ufffd");
  });

  it("keeps unknown fields through decode -> encode (a relay on an older schema loses nothing)", () => {
    const full = Shapes.decode(
      Shapes.encode({
        packedInts: [1, 2],
        strings: ["a", "b"],
        byName: { x: 1 },
        choice: { case: "number", value: -3n },
        maybe: 4,
        single: { aString: "single" },
        nested: { deep: { level: 9 }, color: Color.COLOR_GREEN },
      }),
    );
    const relayed = OlderShapes.decode(Shapes.encode(full));
    expect(relayed).to.deep.equal({ packedInts: [1, 2], maybe: 4 });
    expect(unknownFieldsOf(relayed)).to.have.length.greaterThan(0);
    expect(Object.keys(relayed)).to.deep.equal(["packedInts", "maybe"]);
    expect(Shapes.decode(OlderShapes.encode(relayed))).to.deep.equal(full);
    // Changing a known field keeps the unknown ones.
    relayed.maybe = 5;
    expect(Shapes.decode(OlderShapes.encode(relayed))).to.deep.equal({ ...full, maybe: 5 });
    expect(UNKNOWN_FIELDS in Scalars.decode(Scalars.encode({ aInt32: 1 }))).to.equal(false);
  });

  it("keeps a known field number with an unexpected wire type as an unknown field", () => {
    const decoded = Scalars.decode(bytes(...delimited(26, [1, 2]), 24, 7));
    expect(decoded.aInt32).to.equal(7);
    expect(Scalars.encode(decoded)).to.deep.equal(bytes(24, 7, ...delimited(26, [1, 2])));
  });

  it("skips groups of unknown fields and keeps them", () => {
    const group = [0xa3, 0x06, 8, 1, 0xa4, 0x06]; // field 100 start group, field 1 = 1, field 100 end group
    const decoded = Scalars.decode(bytes(...group, 24, 3));
    expect(decoded.aInt32).to.equal(3);
    expect(Scalars.encode(decoded)).to.deep.equal(bytes(24, 3, ...group));
  });

  for (const [name, input] of [
    ["a truncated varint", [24, 0x80]],
    ["a varint of 11 bytes", [24, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]],
    ["a length past the end", [114, 5, 0x61]],
    ["a truncated fixed64", [81, 1, 2, 3]],
    ["a truncated fixed32", [77, 1]],
    ["field number 0", [0, 1]],
    ["wire type 6", [30, 1]],
    ["wire type 7", [31, 1]],
    ["an end group with no start", [12]],
    ["a group with no end", [0xa3, 0x06, 8, 1]],
    ["a nested message longer than its field", [0x92, 1, 2, 24, 0x80, 1]],
  ] as const) {
    it(`rejects ${name} with INTERNAL`, () => {
      expectInternal(() => Shapes.decode(Uint8Array.from(input)), /./);
    });
  }

  it("rejects a value of the wrong type on encode with INTERNAL naming the message", () => {
    expectInternal(() => Scalars.encode({ aString: 5 as unknown as string }), /demo\.v1\.Scalars: expected a string/);
    expectInternal(() => Scalars.encode({ aInt32: "5" as unknown as number }), /expected a number/);
    expectInternal(() => Scalars.encode({ aInt64: "x" as unknown as bigint }), /demo\.v1\.Scalars/);
    expectInternal(() => Scalars.encode(null as unknown as object), /expected an object, got null/);
  });

  it("writes long strings, multi-byte text and nested messages over 127 bytes", () => {
    for (const text of ["é".repeat(42), "😀".repeat(40), "a".repeat(200), "ü".repeat(10_000), "\ud800 lone"]) {
      const decoded = Shapes.decode(Shapes.encode({ single: { aString: text }, strings: [text, ""] }));
      const expected = text.replace(/\ud800/g, "\ufffd");
      expect(decoded.single?.aString).to.equal(expected);
      expect(decoded.strings).to.deep.equal([expected, ""]);
    }
    const big = { children: Array.from({ length: 300 }, (_, i) => ({ aString: `child ${i}`, aBytes: new Uint8Array(i) })) };
    expect(Shapes.decode(Shapes.encode(big)).children).to.have.length(300);
  });

  it("encodeAt leaves the first bytes to the caller and encodes the same message after them", () => {
    const value = { aInt32: 150, aString: "hello" };
    const plain = Scalars.encode(value);
    const framed = Scalars.encodeAt(value, 5);
    expect(framed.length).to.equal(plain.length + 5);
    expect(framed.subarray(5)).to.deep.equal(plain);
  });

  it("decodes to plain objects that deep-equal object literals", () => {
    const decoded = Loose.decode(Loose.encode({ color: Color.COLOR_RED, children: [{}] }));
    expect(decoded).to.deep.equal({
      scalars: undefined,
      color: Color.COLOR_RED,
      children: [{ scalars: undefined, color: Color.COLOR_UNSPECIFIED, children: [] }],
    });
    expect(Object.getPrototypeOf(decoded)).to.equal(Object.prototype);
  });

  it("decodes an unknown enum value to its number", () => {
    expect(Shapes.decode(bytes(...delimited(58, [1, 9]))).colors).to.deep.equal([Color.COLOR_RED, 9]);
  });

  it("renames properties that Object.prototype has, and keeps their wire names", () => {
    const value = { constructor$: "c", toString$: 1, valueOf$: true, hasOwnProperty$: { case: "toLocaleString$", value: "l" } } as const;
    const decoded = Object$.decode(Object$.encode(value));
    expect(decoded).to.deep.equal(value);
    expect(typeof decoded.toString).to.equal("function");
    expect(Error$.decode(Error$.encode({ object: value, causes: [{}] })).causes).to.have.length(1);
    expect(Nothing.decode(Nothing.encode({}))).to.deep.equal({});
    expect(Shop.methods.getItem.path).to.equal("/demo.v1.Shop/GetItem");
  });

  it("proto2: required fields are written even at zero, optional ones only when set, repeated unpacked by default", () => {
    expect(LegacyRecord.encode({ id: 0 })).to.deep.equal(bytes(8, 0));
    expect(LegacyRecord.encode({ id: 1, scores: [1, 2], packedScores: [3, 4] })).to.deep.equal(
      bytes(8, 1, 24, 1, 24, 2, ...delimited(34, [3, 4])),
    );
    expect(LegacyRecord.decode(bytes(8, 1))).to.deep.equal({
      id: 1,
      name: undefined,
      scores: [],
      packedScores: [],
      kind: undefined,
      parent: undefined,
    });
    expect(LegacyRecord.create().kind).to.equal(undefined);
  });
});
