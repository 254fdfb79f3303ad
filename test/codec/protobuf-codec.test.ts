import { expect } from "chai";
import protobuf from "protobufjs";
import { protobufCodec } from "../../src/codec/index.js";
import { Code, type GrpcError } from "../../src/status/index.js";
import { thrownGrpcError } from "../pipeline/helpers.js";

const root = protobuf.parse(`
  syntax = "proto3";
  package test.codec;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_FAST = 1; }
  message Item { string name = 1; int64 count = 2; bytes data = 3; Kind kind = 4; repeated int32 values = 5; }
  message Wrapper { Item item = 1; }
`).root;
const Item = root.lookupType("test.codec.Item");
const Wrapper = root.lookupType("test.codec.Wrapper");

function expectInternal(action: () => unknown): GrpcError {
  const error = thrownGrpcError(action);
  expect(error.code).to.equal(Code.Internal);
  expect(error.statusMessage).to.match(/^codec: /);
  return error;
}

describe("protobufCodec", () => {
  const codec = protobufCodec(Item);

  it("encodes a plain object to the protobuf wire format", () => {
    // field 1 (name) = "ab", field 2 (count) = 3
    expect([...codec.encode({ name: "ab", count: 3 })]).to.deep.equal([0x0a, 2, 0x61, 0x62, 0x10, 3]);
  });

  it("encodes a message instance as it is", () => {
    const message = Item.create({ name: "x" });
    expect([...codec.encode(message)]).to.deep.equal([0x0a, 1, 0x78]);
  });

  it("converts enum names and string longs in plain objects", () => {
    const bytes = codec.encode({ kind: "KIND_FAST", count: "9007199254740993" });
    const decoded = Item.toObject(Item.decode(bytes), { longs: String, enums: String });
    expect(decoded).to.include({ kind: "KIND_FAST", count: "9007199254740993" });
  });

  it("encodes an empty message to zero bytes", () => expect(codec.encode({}).length).to.equal(0));

  it("decodes to a message instance by default", () => {
    const decoded = codec.decode(Uint8Array.of(0x0a, 2, 0x61, 0x62, 0x2a, 2, 1, 2));
    expect(decoded).to.be.instanceOf(Item.ctor);
    expect(decoded.name).to.equal("ab");
    expect(decoded.values).to.deep.equal([1, 2]);
  });

  it("decodes to plain objects with toObject options", () => {
    const plain = protobufCodec(Item, { toObject: { longs: String, enums: String, defaults: true } });
    const decoded = plain.decode(codec.encode({ name: "n", count: 5, kind: 1 }));
    expect(decoded).to.deep.equal({ name: "n", count: "5", data: new Uint8Array(0), kind: "KIND_FAST", values: [] });
    expect(decoded).not.to.be.instanceOf(Item.ctor);
  });

  it("round-trips nested messages", () => {
    const wrapper = protobufCodec(Wrapper, { toObject: {} });
    expect(wrapper.decode(wrapper.encode({ item: { name: "deep" } }))).to.deep.equal({ item: { name: "deep" } });
  });

  const malformed: [string, number[]][] = [
    ["a truncated length-delimited field", [0x0a, 5, 0x61]],
    ["a truncated varint", [0x10, 0x80]],
    ["wire type 7", [0x0f]],
    ["a nested message cut short", [0x0a, 3, 0x0a, 9, 0]],
  ];
  for (const [name, bytes] of malformed)
    it(`decode of ${name} is INTERNAL`, () => expectInternal(() => protobufCodec(Wrapper).decode(Uint8Array.from(bytes))));

  for (const offset of [0, 1, 5, 9])
    it(`encodeAt(value, ${offset}) is the encoding after ${offset} bytes of room`, () => {
      const value = { name: "ab", count: 3, kind: "KIND_FAST" };
      const bytes = codec.encodeAt!(value, offset);
      expect(bytes.length).to.equal(offset + codec.encode(value).length);
      expect([...bytes.subarray(offset)]).to.deep.equal([...codec.encode(value)]);
    });

  it("encodeAt fails like encode (INTERNAL, names the type)", () => {
    const error = expectInternal(() => protobufCodec(Wrapper).encodeAt!({ item: 5 } as never, 5));
    expect(error.statusMessage).to.include("test.codec.Wrapper");
  });

  it("encode of a value protobufjs cannot convert is INTERNAL", () => {
    const error = expectInternal(() => protobufCodec(Wrapper).encode({ item: 5 } as never));
    expect(error.statusMessage).to.include("test.codec.Wrapper");
  });
});
