import { expect } from "chai";
import { inflateSync } from "node:zlib";
import { crc32, encodePng } from "../../../bench/lib/png.js";

function chunks(png: Buffer): { type: string; data: Buffer; crc: number }[] {
  const found = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    found.push({
      type: png.toString("latin1", offset + 4, offset + 8),
      data: png.subarray(offset + 8, offset + 8 + length),
      crc: png.readUInt32BE(offset + 8 + length),
    });
    offset += 12 + length;
  }
  return found;
}

describe("bench png", () => {
  for (const [text, crc] of [
    ["", 0],
    ["123456789", 0xcbf43926],
    ["IEND", 0xae426082],
  ] as const)
    it(`crc32(${JSON.stringify(text)}) = ${crc.toString(16)}`, () => expect(crc32(Buffer.from(text, "latin1"))).to.equal(crc));

  it("writes signature, IHDR, IDAT and IEND with valid CRCs and filter-0 rows", () => {
    const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 7);
    const png = encodePng(3, 2, rgb);
    expect([...png.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const found = chunks(png);
    expect(found.map((chunk) => chunk.type)).to.deep.equal(["IHDR", "IDAT", "IEND"]);
    for (const chunk of found) expect(chunk.crc).to.equal(crc32(Buffer.concat([Buffer.from(chunk.type, "latin1"), chunk.data])));
    const header = found[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9], header[10], header[11], header[12]]).to.deep.equal([
      3, 2, 8, 2, 0, 0, 0,
    ]);
    const raw = inflateSync(found[1]!.data);
    expect([...raw]).to.deep.equal([0, ...rgb.subarray(0, 9), 0, ...rgb.subarray(9)]);
  });

  it("rejects a pixel buffer of the wrong size", () => expect(() => encodePng(2, 2, new Uint8Array(11))).to.throw(RangeError));
});
