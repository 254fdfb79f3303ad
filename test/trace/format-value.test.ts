import { expect } from "chai";
import { formatValue, hexPreview, toJsonValue } from "../../src/trace/index.js";

describe("trace: formatValue (decoded messages on a trace line)", () => {
  const cases: [string, unknown, string][] = [
    ["a string", 'hé "x"', '"hé \\"x\\""'],
    ["a bigint", 12345678901234567890n, "12345678901234567890n"],
    ["-0", -0, "-0"],
    ["bytes", new Uint8Array([0, 1, 255]), "<bytes 3: 0001ff>"],
    ["empty bytes", new Uint8Array(0), "<bytes 0>"],
    ["a Buffer", Buffer.from("hi"), "<bytes 2: 6869>"],
    ["a protobufjs Long", { low: -1, high: 0, unsigned: true, toString: () => "4294967295" }, "4294967295"],
    ["nested", { name: "x", list: [1, 2n], map: new Map([["k", true]]) }, '{ name: "x", list: [1, 2n], map: Map {"k" => true} }'],
    ["odd keys and undefined fields", { "a-b": 1, skipped: undefined }, '{ "a-b": 1 }'],
    ["null and a Set", { none: null, set: new Set([1]) }, "{ none: null, set: Set {1} }"],
    ["a date", new Date(0), "1970-01-01T00:00:00.000Z"],
  ];
  for (const [what, value, text] of cases) it(`prints ${what}`, () => expect(formatValue(value)).to.equal(text));

  it("prints a cycle instead of recursing", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).to.equal("{ a: 1, self: [cycle] }");
  });

  it("cuts deep, long and wide values", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = { deep };
    expect(formatValue(deep)).to.contain("{…}");
    expect(formatValue("x".repeat(2000)).length).to.equal(601);
    expect(formatValue(Array.from({ length: 40 }, (_, i) => i))).to.contain("… 8 more");
    expect(hexPreview(new Uint8Array(40))).to.equal(`${"00".repeat(32)}…`);
  });
});

describe("trace: toJsonValue (TSGRPC_TRACE_FORMAT=json)", () => {
  it("makes bigints, Longs, bytes, Maps and Sets JSON-safe", () => {
    const value = {
      big: 2n ** 64n,
      long: { low: 1, high: 1, unsigned: false, toString: () => "4294967297" },
      bytes: new Uint8Array([10, 11]),
      map: new Map([[1, "one"]]),
      set: new Set(["a"]),
      nan: Number.NaN,
      gone: undefined,
      fn: () => 1,
    };
    expect(JSON.parse(JSON.stringify(toJsonValue(value)))).to.deep.equal({
      big: "18446744073709551616",
      long: "4294967297",
      bytes: "0a0b",
      map: { 1: "one" },
      set: ["a"],
      nan: "NaN",
    });
  });

  it("never throws on cycles", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(JSON.stringify(toJsonValue(cyclic))).to.equal('["[cycle]"]');
  });
});
