import { expect } from "chai";
import { encodeFrame, encodeFrameHeader, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES, writeFrameHeader } from "../../src/framing/index.js";

describe("checklist 8: encodeFrame writes a Length-Prefixed-Message", () => {
  const cases: [string, Uint8Array, boolean, number[]][] = [
    ["empty, uncompressed", new Uint8Array(0), false, [0, 0, 0, 0, 0]],
    ["empty, compressed", new Uint8Array(0), true, [1, 0, 0, 0, 0]],
    ["three bytes", Uint8Array.of(7, 8, 9), false, [0, 0, 0, 0, 3, 7, 8, 9]],
    ["three bytes, compressed", Uint8Array.of(7, 8, 9), true, [1, 0, 0, 0, 3, 7, 8, 9]],
  ];
  for (const [name, payload, compressed, expected] of cases)
    it(name, () => expect([...encodeFrame(payload, compressed)]).to.deep.equal(expected));

  it("defaults to uncompressed", () => expect(encodeFrame(Uint8Array.of(1))[0]).to.equal(0));

  it("writes the length big-endian over four bytes", () => {
    const frame = encodeFrame(new Uint8Array(0x01_02_03));
    expect([...frame.subarray(0, FRAME_HEADER_BYTES)]).to.deep.equal([0, 0, 1, 2, 3]);
    expect(frame.length).to.equal(FRAME_HEADER_BYTES + 0x01_02_03);
  });

  it("copies the payload (the frame does not alias it)", () => {
    const payload = Uint8Array.of(1, 2);
    const frame = encodeFrame(payload);
    payload[0] = 9;
    expect(frame[5]).to.equal(1);
  });
});

describe("encodeFrameHeader", () => {
  const cases: [number, boolean, number[]][] = [
    [0, false, [0, 0, 0, 0, 0]],
    [1, true, [1, 0, 0, 0, 1]],
    [0x1234_5678, false, [0, 0x12, 0x34, 0x56, 0x78]],
    [MAX_FRAME_PAYLOAD_BYTES, true, [1, 0xff, 0xff, 0xff, 0xff]],
  ];
  for (const [length, compressed, expected] of cases)
    it(`encodes ${length} ${compressed ? "compressed" : "uncompressed"}`, () =>
      expect([...encodeFrameHeader(length, compressed)]).to.deep.equal(expected));

  for (const length of [-1, 1.5, NaN, MAX_FRAME_PAYLOAD_BYTES + 1, Infinity])
    it(`rejects length ${length}`, () => expect(() => encodeFrameHeader(length, false)).to.throw(RangeError));
});

describe("writeFrameHeader", () => {
  it("fills in the header of a frame whose payload is already in place", () => {
    const frame = Uint8Array.of(9, 9, 9, 9, 9, 0xaa, 0xbb, 0xcc);
    expect(writeFrameHeader(frame, false)).to.equal(frame);
    expect([...frame]).to.deep.equal([0, 0, 0, 0, 3, 0xaa, 0xbb, 0xcc]);
    writeFrameHeader(frame, true);
    expect(frame[0]).to.equal(1);
  });

  it("writes length 0 for a frame that is only a header", () =>
    expect([...writeFrameHeader(new Uint8Array(5).fill(7), false)]).to.deep.equal([0, 0, 0, 0, 0]));

  it("rejects a buffer shorter than a header", () => expect(() => writeFrameHeader(new Uint8Array(4), false)).to.throw(RangeError));
});

describe("encodeFrame memory", () => {
  it("never hands out the same bytes twice (small frames share a slab, large ones do not)", () => {
    const frames = Array.from({ length: 200 }, (_, i) => encodeFrame(new Uint8Array(i * 37).fill(i & 0xff)));
    frames.forEach((frame, i) => {
      expect(frame.length).to.equal(5 + i * 37);
      expect(frame.every((byte, j) => byte === (j < 5 ? [0, 0, 0, (i * 37) >>> 8, (i * 37) & 0xff][j] : i & 0xff))).to.equal(true);
    });
  });

  it("gives a large frame its own buffer", () => {
    const frame = encodeFrame(new Uint8Array(5000));
    expect(frame.byteOffset).to.equal(0);
    expect(frame.buffer.byteLength).to.equal(5005);
  });
});
