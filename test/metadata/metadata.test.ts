import { expect } from "chai";
import { encodeBase64 } from "../../src/metadata/base64.js";
import { HEADER_FIELD_OVERHEAD_BYTES, Metadata, type MetadataValue } from "../../src/metadata/metadata.js";

describe("Metadata", () => {
  it("is case-insensitive and stores keys lowercase", () => {
    const metadata = new Metadata().set("X-User", "ada");
    expect(metadata.get("x-user")).to.equal("ada");
    expect(metadata.get("X-USER")).to.equal("ada");
    expect([...metadata.keys()]).to.deep.equal(["x-user"]);
  });

  it("keeps several values per key in order; set replaces them", () => {
    const metadata = new Metadata().add("k", "1").add("K", "2");
    expect(metadata.getAll("k")).to.deep.equal(["1", "2"]);
    expect(metadata.get("k")).to.equal("1");
    metadata.set("k", "3");
    expect(metadata.getAll("k")).to.deep.equal(["3"]);
  });

  it("getAll returns a copy", () => {
    const metadata = new Metadata().add("k", "1");
    metadata.getAll("k").push("2");
    expect(metadata.getAll("k")).to.deep.equal(["1"]);
  });

  it("has, delete and size", () => {
    const metadata = new Metadata().add("a", "1").add("b", "2");
    expect(metadata.size).to.equal(2);
    expect(metadata.has("A")).to.equal(true);
    expect(metadata.delete("a")).to.equal(true);
    expect(metadata.delete("a")).to.equal(false);
    expect(metadata.has("a")).to.equal(false);
    expect(metadata.get("a")).to.equal(undefined);
    expect(metadata.getAll("a")).to.deep.equal([]);
    expect(metadata.size).to.equal(1);
  });

  it("iterates entries once per value", () => {
    const binary = new Uint8Array([1, 2]);
    const metadata = Metadata.from({ a: ["1", "2"], "b-bin": binary, c: "3" });
    expect([...metadata]).to.deep.equal([
      ["a", "1"],
      ["a", "2"],
      ["b-bin", binary],
      ["c", "3"],
    ]);
  });

  it("merge adds, clone copies independently", () => {
    const first = new Metadata().add("a", "1");
    const second = new Metadata().add("a", "2").add("b", "3");
    first.merge(second);
    expect(first.getAll("a")).to.deep.equal(["1", "2"]);
    const copy = first.clone();
    copy.add("a", "4");
    expect(first.getAll("a")).to.deep.equal(["1", "2"]);
    expect(copy.getAll("a")).to.deep.equal(["1", "2", "4"]);
  });

  it("toJSON shows binary values as unpadded base64", () => {
    const metadata = new Metadata().add("a", "1").add("b-bin", new Uint8Array([0x66]));
    expect(metadata.toJSON()).to.deep.equal({ a: ["1"], "b-bin": ["Zg"] });
    expect(JSON.stringify(metadata)).to.equal('{"a":["1"],"b-bin":["Zg"]}');
  });
});

describe("checklist 4: keys and values are validated with clear errors", () => {
  const invalid: [string, MetadataValue, RegExp][] = [
    ["", "v", /not \[0-9a-z_.-\]\+/],
    ["a b", "v", /not \[0-9a-z_.-\]\+/],
    ["ключ", "v", /not \[0-9a-z_.-\]\+/],
    ["a:b", "v", /not \[0-9a-z_.-\]\+/],
    ["x", "caf\u00e9", /outside printable ASCII/],
    ["x", "a\nb", /outside printable ASCII/],
    ["x", "\x7f", /outside printable ASCII/],
    ["x", new Uint8Array([1]), /no -bin suffix, so its value must be a string/],
    ["x-bin", "AAAA", /ends in -bin, so its value must be a Uint8Array/],
  ];
  for (const [key, value, message] of invalid) {
    it(`set(${JSON.stringify(key)}, ${typeof value === "string" ? JSON.stringify(value) : "bytes"}) throws TypeError`, () =>
      expect(() => new Metadata().set(key, value)).to.throw(TypeError, message));
    it(`add(${JSON.stringify(key)}, ${typeof value === "string" ? JSON.stringify(value) : "bytes"}) throws TypeError`, () =>
      expect(() => new Metadata().add(key, value)).to.throw(TypeError, message));
  }

  it("rejects a key that is not a string", () =>
    expect(() => new Metadata().set(42 as unknown as string, "v")).to.throw(TypeError, /must be a string/));

  for (const [key, value] of [
    ["x", ""],
    ["x", " ~"],
    ["a.b_c-d0", "v"],
    ["x-bin", new Uint8Array()],
  ] as [string, MetadataValue][])
    it(`accepts ${JSON.stringify(key)}`, () => expect(new Metadata().set(key, value).get(key)).to.deep.equal(value));

  describe("addReceived: a legal HTTP field value outside %x20-%x7E does not fail the call", () => {
    const accepted: [string, MetadataValue][] = [
      ["x", "caf\u00e9"],
      ["x", "tab\there"],
      ["x", "plain"],
      ["X-Upper", "v"],
      ["x-bin", new Uint8Array([0, 255])],
    ];
    for (const [key, value] of accepted)
      it(`keeps ${JSON.stringify(key)}`, () => {
        const metadata = new Metadata();
        expect(metadata.addReceived(key, value)).to.equal(true);
        expect(metadata.get(key)).to.deep.equal(value);
      });

    it("appends to existing values", () => {
      const metadata = new Metadata().add("x", "1");
      metadata.addReceived("x", "2");
      expect(metadata.getAll("x")).to.deep.equal(["1", "2"]);
    });

    const dropped: [string, MetadataValue][] = [
      ["grpc-status", "0"],
      [":path", "/a/b"],
      ["content-type", "application/grpc"],
      ["a b", "v"],
      ["x", "a\nb"],
      ["x", "\u0100"],
      ["x", new Uint8Array([1])],
      ["x-bin", "AAAA"],
    ];
    for (const [key, value] of dropped)
      it(`drops ${JSON.stringify(key)} = ${typeof value === "string" ? JSON.stringify(value) : "bytes"}`, () => {
        const metadata = new Metadata();
        expect(metadata.addReceived(key, value)).to.equal(false);
        expect(metadata.size).to.equal(0);
      });
  });
});

describe("checklist 6: reserved headers cannot be set", () => {
  for (const key of [
    ":path",
    ":authority",
    "content-type",
    "te",
    "grpc-timeout",
    "grpc-encoding",
    "grpc-accept-encoding",
    "grpc-status",
    "grpc-message",
  ])
    it(`set(${JSON.stringify(key)}) throws TypeError`, () =>
      expect(() => new Metadata().set(key, "x")).to.throw(TypeError, /reserved|not \[0-9a-z_.-\]\+/));
  it('set("grpc-status-details-bin") throws TypeError', () =>
    expect(() => new Metadata().set("grpc-status-details-bin", new Uint8Array())).to.throw(TypeError, /reserved/));
  it("is case-insensitive about reserved names", () =>
    expect(() => new Metadata().add("Content-Type", "text/plain")).to.throw(TypeError, /reserved/));
  it("Metadata.from refuses them too", () => expect(() => Metadata.from({ te: "trailers" })).to.throw(TypeError, /reserved/));
});

describe("checklist 7: header-list size counted as name + value + 32 per field", () => {
  it("uses 32 bytes of overhead", () => expect(HEADER_FIELD_OVERHEAD_BYTES).to.equal(32));

  const cases: [string, Metadata, number][] = [
    ["empty", new Metadata(), 0],
    ["one ASCII field", new Metadata().set("x-user", "ada"), 6 + 3 + 32],
    ["empty value", new Metadata().set("k", ""), 1 + 0 + 32],
    ["two values of one key count twice", new Metadata().add("k", "ab").add("k", "c"), 1 + 2 + 32 + (1 + 1 + 32)],
    ["binary counted as unpadded base64 (1 byte -> 2)", new Metadata().set("b-bin", new Uint8Array(1)), 5 + 2 + 32],
    ["binary 2 bytes -> 3", new Metadata().set("b-bin", new Uint8Array(2)), 5 + 3 + 32],
    ["binary 3 bytes -> 4", new Metadata().set("b-bin", new Uint8Array(3)), 5 + 4 + 32],
    ["binary 0 bytes -> 0", new Metadata().set("b-bin", new Uint8Array(0)), 5 + 0 + 32],
  ];
  for (const [name, metadata, expected] of cases) it(name, () => expect(metadata.headerListBytes()).to.equal(expected));

  it("matches the length of the base64 actually sent, for every binary length up to 100", () => {
    for (let length = 0; length <= 100; length++) {
      const value = new Uint8Array(length).fill(7);
      const metadata = new Metadata().set("v-bin", value);
      expect(metadata.headerListBytes(), `length ${length}`).to.equal(5 + encodeBase64(value).length + 32);
    }
  });
});
