import { expect } from "chai";
import fc from "fast-check";
import protobuf from "protobufjs";
import { decodeStatusDetails, encodeStatusDetails, type StatusDetails } from "../../src/status/status-details.js";

// google.rpc.Status built with protobufjs as an independent reference for the wire format.
const AnyType = new protobuf.Type("Any").add(new protobuf.Field("type_url", 1, "string")).add(new protobuf.Field("value", 2, "bytes"));
const StatusType = new protobuf.Type("Status")
  .add(new protobuf.Field("code", 1, "int32"))
  .add(new protobuf.Field("message", 2, "string"))
  .add(new protobuf.Field("details", 3, "Any", "repeated"));
new protobuf.Root().define("google.rpc").add(AnyType).add(StatusType);

/** protobufjs writes every property present, so proto3 defaults are left out of the object. */
function referenceEncode(status: StatusDetails): Uint8Array {
  const details = status.details.map((detail) =>
    AnyType.create({
      ...(detail.typeUrl === "" ? {} : { type_url: detail.typeUrl }),
      ...(detail.value.length === 0 ? {} : { value: detail.value }),
    }),
  );
  const message = StatusType.create({
    ...(status.code === 0 ? {} : { code: status.code }),
    ...(status.message === "" ? {} : { message: status.message }),
    details,
  });
  return StatusType.encode(message).finish();
}

function referenceDecode(bytes: Uint8Array): StatusDetails {
  const object = StatusType.toObject(StatusType.decode(bytes), { defaults: true, bytes: Array, arrays: true }) as {
    code: number;
    message: string;
    details: { type_url: string; value: number[] }[];
  };
  return {
    code: object.code,
    message: object.message,
    details: object.details.map((detail) => ({ typeUrl: detail.type_url ?? "", value: new Uint8Array(detail.value ?? []) })),
  };
}

const plain = (status: StatusDetails): unknown => ({
  ...status,
  details: status.details.map((detail) => ({ typeUrl: detail.typeUrl, value: [...detail.value] })),
});

const statusArbitrary: fc.Arbitrary<StatusDetails> = fc.record({
  code: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  message: fc.fullUnicodeString({ maxLength: 40 }),
  details: fc.array(fc.record({ typeUrl: fc.fullUnicodeString({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 200 }) }), {
    maxLength: 4,
  }),
});

describe("grpc-status-details-bin (google.rpc.Status by hand)", () => {
  describe("encodeStatusDetails", () => {
    const cases: [string, StatusDetails, number[]][] = [
      ["empty status", { code: 0, message: "", details: [] }, []],
      ["code only", { code: 5, message: "", details: [] }, [0x08, 0x05]],
      ["message only", { code: 0, message: "hi", details: [] }, [0x12, 0x02, 0x68, 0x69]],
      ["code 300 as a two-byte varint", { code: 300, message: "", details: [] }, [0x08, 0xac, 0x02]],
      [
        "negative code sign-extended to ten bytes",
        { code: -1, message: "", details: [] },
        [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      ],
      [
        "one detail",
        { code: 3, message: "", details: [{ typeUrl: "t", value: new Uint8Array([1, 2]) }] },
        [0x08, 0x03, 0x1a, 0x07, 0x0a, 0x01, 0x74, 0x12, 0x02, 0x01, 0x02],
      ],
      ["an empty detail", { code: 0, message: "", details: [{ typeUrl: "", value: new Uint8Array() }] }, [0x1a, 0x00]],
    ];
    for (const [name, status, bytes] of cases) {
      it(`encodes ${name}`, () => expect([...encodeStatusDetails(status)]).to.deep.equal(bytes));
      it(`decodes ${name}`, () => expect(plain(decodeStatusDetails(new Uint8Array(bytes))!)).to.deep.equal(plain(status)));
    }

    it("writes a 200-byte length as a two-byte varint", () => {
      const bytes = encodeStatusDetails({ code: 0, message: "x".repeat(200), details: [] });
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0x12, 0xc8, 0x01]);
      expect(bytes.length).to.equal(203);
    });
  });

  describe("decodeStatusDetails", () => {
    it("skips unknown fields of every wire type", () => {
      const bytes = [
        0x20,
        0x96,
        0x01, // field 4 varint
        0x29,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8, // field 5 fixed64
        0x32,
        0x02,
        0xaa,
        0xbb, // field 6 length-delimited
        0x3d,
        1,
        2,
        3,
        4, // field 7 fixed32
        0x43,
        0x08,
        0x01,
        0x4b,
        0x4c,
        0x44, // field 8 group holding field 1 and an empty nested group 9
        0x08,
        0x07, // code 7
        0x12,
        0x01,
        0x21, // message "!"
        0x1a,
        0x07,
        0x18,
        0x01,
        0x0a,
        0x01,
        0x74,
        0x12,
        0x00, // Any with an unknown field 3 and an empty value
      ];
      expect(plain(decodeStatusDetails(new Uint8Array(bytes))!)).to.deep.equal({
        code: 7,
        message: "!",
        details: [{ typeUrl: "t", value: [] }],
      });
    });

    it("treats a known field with another wire type as unknown", () =>
      expect(decodeStatusDetails(new Uint8Array([0x0a, 0x01, 0x05, 0x08, 0x02]))?.code).to.equal(2));

    it("reads an int32 code from a varint with high bits set (low 32 bits, signed)", () =>
      expect(decodeStatusDetails(new Uint8Array([0x08, 0xfe, 0xff, 0xff, 0xff, 0x0f]))?.code).to.equal(-2));

    it("keeps the last value of a repeated scalar field, as protobuf does", () =>
      expect(decodeStatusDetails(new Uint8Array([0x08, 0x01, 0x08, 0x02]))?.code).to.equal(2));

    it("copies detail values out of the input", () => {
      const input = new Uint8Array([0x1a, 0x03, 0x12, 0x01, 0x09]);
      const status = decodeStatusDetails(input)!;
      input[4] = 0;
      expect([...status.details[0]!.value]).to.deep.equal([9]);
    });

    const malformed: [string, number[]][] = [
      ["a truncated varint", [0x08]],
      ["a varint that never ends", [0x08, 0x80]],
      ["a varint longer than ten bytes", [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ["a length beyond the end", [0x12, 0x05, 0x61]],
      ["a length varint longer than ten bytes", [0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ["a huge length", [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]],
      ["field number 0", [0x00, 0x01]],
      ["wire type 6", [0x0e]],
      ["wire type 7", [0x0f]],
      ["a stray end-group", [0x0c]],
      ["a truncated fixed64", [0x29, 1, 2, 3]],
      ["a truncated fixed32", [0x2d, 1]],
      ["an unterminated group", [0x43, 0x08, 0x01]],
      ["a group closed with another number", [0x43, 0x4c]],
      ["a group holding field 0", [0x43, 0x00]],
      ["a malformed Any", [0x1a, 0x02, 0x0a, 0x05]],
      ["a truncated tag", [0x80]],
    ];
    for (const [name, bytes] of malformed)
      it(`gives undefined for ${name}`, () => expect(decodeStatusDetails(new Uint8Array(bytes))).to.equal(undefined));

    it("gives undefined, not a stack overflow, for groups nested too deep", () => {
      const depth = 200_000;
      const bytes = new Uint8Array(depth * 2);
      bytes.fill(0x43, 0, depth);
      bytes.fill(0x44, depth);
      expect(decodeStatusDetails(bytes)).to.equal(undefined);
    });
  });

  describe("round trips (property-based, protobufjs as the reference)", () => {
    it("decode(encode(s)) equals s", () =>
      fc.assert(
        fc.property(statusArbitrary, (status) => {
          expect(plain(decodeStatusDetails(encodeStatusDetails(status))!)).to.deep.equal(plain(status));
        }),
      ));

    it("encodes byte for byte as protobufjs does", () =>
      fc.assert(
        fc.property(statusArbitrary, (status) => {
          expect([...encodeStatusDetails(status)]).to.deep.equal([...referenceEncode(status)]);
        }),
      ));

    it("decodes what protobufjs encodes", () =>
      fc.assert(
        fc.property(statusArbitrary, (status) => {
          expect(plain(decodeStatusDetails(referenceEncode(status))!)).to.deep.equal(plain(referenceDecode(referenceEncode(status))));
        }),
      ));

    it("never throws on arbitrary bytes", () =>
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          const status = decodeStatusDetails(bytes);
          if (status !== undefined) expect(status.details).to.be.an("array");
        }),
      ));
  });
});
