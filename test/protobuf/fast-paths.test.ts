// The hand-written fast paths of src/protobuf agree with the platform: short UTF-8 strings with
// TextDecoder (strict and lenient, valid or not), floats and doubles with DataView.
import { expect } from "chai";
import fc from "fast-check";
import { BinaryReader, BinaryWriter, utf8Read } from "../../src/protobuf/index.js";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/** Bytes rich in UTF-8 edge values: lead bytes, continuations, overlong and surrogate starts. */
const edgy = fc.uint8Array({ maxLength: 160 }).chain((random) =>
  fc
    .array(
      fc.constantFrom(
        0x00,
        0x41,
        0x7f,
        0x80,
        0x8f,
        0x90,
        0x9f,
        0xa0,
        0xbf,
        0xc0,
        0xc1,
        0xc2,
        0xdf,
        0xe0,
        0xed,
        0xef,
        0xf0,
        0xf4,
        0xf5,
        0xff,
      ),
      {
        maxLength: 40,
      },
    )
    .map((picked) => Uint8Array.from([...picked, ...random.subarray(0, 8), ...picked.reverse()])),
);

function strictOrThrow(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return "<invalid>";
  }
}

describe("protobuf fast paths", () => {
  it("utf8Read of any bytes matches TextDecoder: strict (proto3) and lenient (proto2)", () => {
    fc.assert(
      fc.property(fc.oneof(edgy, fc.uint8Array({ maxLength: 200 })), (bytes) => {
        let got: string;
        try {
          got = utf8Read(bytes, 0, bytes.length, "demo.f");
        } catch (error) {
          expect(String(error)).to.contain("codec: invalid UTF-8 in string field demo.f");
          got = "<invalid>";
        }
        expect(got).to.equal(strictOrThrow(bytes));
        expect(utf8Read(bytes, 0, bytes.length)).to.equal(lenient.decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("utf8Read of valid text of every length, inside a larger buffer, gives the text back", () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 120 }), fc.nat(5), (text, pad) => {
        const encoded = new TextEncoder().encode(text);
        const buffer = new Uint8Array(pad + encoded.length + pad).fill(0xff);
        buffer.set(encoded, pad);
        expect(utf8Read(buffer, pad, pad + encoded.length, "demo.f")).to.equal(strict.decode(encoded));
      }),
      { numRuns: 2000 },
    );
  });

  it("float and double read the bytes DataView reads, NaN, infinities and -0 included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const reader = new BinaryReader(bytes);
        expect(Object.is(reader.float(), view.getFloat32(0, true))).to.equal(true);
        expect(Object.is(reader.double(), view.getFloat64(4, true))).to.equal(true);
        expect(reader.pos).to.equal(12);
      }),
      { numRuns: 2000 },
    );
    const truncated = new BinaryReader(new Uint8Array(7));
    expect(() => truncated.double()).to.throw("codec: malformed protobuf: truncated 8-byte value");
  });

  it("finish() results carved from the shared slab stay intact and apart, whatever is encoded after", () => {
    const writer = new BinaryWriter();
    const results: [Uint8Array, number][] = [];
    for (let i = 0; i < 200; i++) {
      const size = [1, 255, 256, 1027, 4096, 4097, 9000][i % 7]!;
      writer.reset(0);
      writer.raw(new Uint8Array(size).fill(i & 0xff));
      results.push([writer.finish(), i & 0xff]);
    }
    for (const [bytes, fill] of results) expect(bytes.every((byte) => byte === fill)).to.equal(true);
    for (let i = 1; i < results.length; i++) {
      const [a] = results[i - 1]!;
      const [b] = results[i]!;
      if (a.buffer === b.buffer) expect(a.byteOffset + a.byteLength <= b.byteOffset).to.equal(true);
    }
  });
});
