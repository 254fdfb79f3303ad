import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_MAX_RECEIVE_BYTES, encodeFrame, encodeFrameHeader, FrameDecoder, type Frame } from "../../src/framing/index.js";
import { Code, type GrpcError } from "../../src/status/index.js";
import { concat, thrownGrpcError } from "../pipeline/helpers.js";

function plain(frames: Frame[]): { compressed: boolean; payload: number[] }[] {
  return frames.map((frame) => ({ compressed: frame.compressed, payload: [...frame.payload] }));
}

/** Feeds `bytes` cut at the given offsets and returns every frame, after end(). */
function decodeSplit(bytes: Uint8Array, cuts: number[], maxBytes?: number): Frame[] {
  const decoder = new FrameDecoder(maxBytes);
  const frames: Frame[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    frames.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  decoder.end();
  return frames;
}

function byteByByte(bytes: Uint8Array): number[] {
  return Array.from({ length: Math.max(bytes.length - 1, 0) }, (_, i) => i + 1);
}

function expectGrpcError(action: () => unknown, code: Code): GrpcError {
  const error = thrownGrpcError(action);
  expect(error.code).to.equal(code);
  return error;
}

const MESSAGES: [string, Frame[]][] = [
  ["one empty message", [{ compressed: false, payload: new Uint8Array(0) }]],
  ["one small message", [{ compressed: false, payload: Uint8Array.of(1, 2, 3) }]],
  ["one compressed message", [{ compressed: true, payload: Uint8Array.of(0xff, 0, 0xff) }]],
  [
    "three messages, one empty",
    [
      { compressed: false, payload: Uint8Array.of(10) },
      { compressed: true, payload: new Uint8Array(0) },
      { compressed: false, payload: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff) },
    ],
  ],
];

describe("checklist 8: FrameDecoder handles any chunking", () => {
  for (const [name, frames] of MESSAGES) {
    const bytes = concat(...frames.map((frame) => encodeFrame(frame.payload, frame.compressed)));
    it(`${name}: whole`, () => expect(plain(decodeSplit(bytes, []))).to.deep.equal(plain(frames)));
    it(`${name}: byte by byte`, () => expect(plain(decodeSplit(bytes, byteByByte(bytes)))).to.deep.equal(plain(frames)));
  }

  it("two messages cut at every split point", () => {
    const frames = [
      { compressed: false, payload: Uint8Array.of(1, 2, 3, 4, 5, 6, 7) },
      { compressed: true, payload: Uint8Array.of(9, 8, 7) },
    ];
    const bytes = concat(...frames.map((frame) => encodeFrame(frame.payload, frame.compressed)));
    for (let cut = 0; cut <= bytes.length; cut++) expect(plain(decodeSplit(bytes, [cut])), `cut at ${cut}`).to.deep.equal(plain(frames));
    for (let first = 0; first <= bytes.length; first++)
      for (let second = first; second <= bytes.length; second++)
        expect(plain(decodeSplit(bytes, [first, second])), `cuts at ${first}, ${second}`).to.deep.equal(plain(frames));
  });

  it("returns frames as they complete", () => {
    const decoder = new FrameDecoder();
    const bytes = concat(encodeFrame(Uint8Array.of(1, 2)), encodeFrame(Uint8Array.of(3)));
    expect(decoder.push(bytes.subarray(0, 3))).to.deep.equal([]);
    expect(decoder.buffered).to.equal(3);
    expect(plain(decoder.push(bytes.subarray(3, 9)))).to.deep.equal([{ compressed: false, payload: [1, 2] }]);
    expect(decoder.buffered).to.equal(2);
    expect(plain(decoder.push(bytes.subarray(9)))).to.deep.equal([{ compressed: false, payload: [3] }]);
    expect(decoder.buffered).to.equal(0);
    decoder.end();
  });

  it("returns a view, not a copy, when the message lies inside one chunk", () => {
    const bytes = concat(encodeFrame(Uint8Array.of(1, 2, 3)), encodeFrame(Uint8Array.of(4, 5)));
    const [first, second] = new FrameDecoder().push(bytes);
    expect(first!.payload.buffer).to.equal(bytes.buffer);
    expect(first!.payload.byteOffset).to.equal(5);
    expect(second!.payload.buffer).to.equal(bytes.buffer);
    expect(second!.payload.byteOffset).to.equal(13);
  });

  it("copies a message spanning chunks once into a buffer of its exact length", () => {
    const bytes = encodeFrame(Uint8Array.from({ length: 100 }, (_, i) => i));
    const frames = decodeSplit(bytes, [20, 50, 51]);
    expect(frames[0]!.payload.buffer.byteLength).to.equal(100);
    expect([...frames[0]!.payload]).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it("accepts an empty chunk anywhere", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(new Uint8Array(0))).to.deep.equal([]);
    const bytes = encodeFrame(Uint8Array.of(1));
    decoder.push(bytes.subarray(0, 2));
    expect(decoder.push(new Uint8Array(0))).to.deep.equal([]);
    expect(plain(decoder.push(bytes.subarray(2)))).to.deep.equal([{ compressed: false, payload: [1] }]);
  });

  it("property: encode then decode is the identity for any messages and any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ compressed: fc.boolean(), payload: fc.uint8Array({ maxLength: 64 }) }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (frames, rawCuts) => {
          const bytes = concat(...frames.map((frame) => encodeFrame(frame.payload, frame.compressed)));
          const cuts = [...new Set(rawCuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          expect(plain(decodeSplit(bytes, cuts))).to.deep.equal(plain(frames));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("checklist 8: FrameDecoder rejects a flag byte other than 0 or 1 (INTERNAL)", () => {
  for (const flag of [2, 3, 0x80, 0xff]) {
    const bytes = Uint8Array.of(flag, 0, 0, 0, 1, 42);
    it(`flag ${flag}, whole`, () => expectGrpcError(() => decodeSplit(bytes, []), Code.Internal));
    it(`flag ${flag}, byte by byte`, () => expectGrpcError(() => decodeSplit(bytes, byteByByte(bytes)), Code.Internal));
  }

  it("stays failed after the error", () => {
    const decoder = new FrameDecoder();
    const first = expectGrpcError(() => decoder.push(Uint8Array.of(2, 0, 0, 0, 0)), Code.Internal);
    expect(() => decoder.push(encodeFrame(new Uint8Array(0)))).to.throw(first.message);
    expect(() => decoder.end()).to.throw(first.message);
  });
});

describe("checklist 10: FrameDecoder checks the receive limit on the length prefix (RESOURCE_EXHAUSTED)", () => {
  const cases: [string, number, number, boolean][] = [
    ["at the default limit", DEFAULT_MAX_RECEIVE_BYTES, DEFAULT_MAX_RECEIVE_BYTES, true],
    ["one over the default limit", DEFAULT_MAX_RECEIVE_BYTES + 1, DEFAULT_MAX_RECEIVE_BYTES, false],
    ["the largest prefix, default limit", 0xffff_ffff, DEFAULT_MAX_RECEIVE_BYTES, false],
    ["zero with limit 0", 0, 0, true],
    ["one with limit 0", 1, 0, false],
    ["10 with limit 10", 10, 10, true],
    ["11 with limit 10", 11, 10, false],
  ];
  for (const [name, length, maxBytes, accepted] of cases)
    it(`${name}: ${accepted ? "accepted" : "rejected"} from the header alone`, () => {
      const decoder = new FrameDecoder(maxBytes);
      const header = encodeFrameHeader(length, false);
      if (accepted) {
        decoder.push(header);
        expect(decoder.buffered).to.equal(length === 0 ? 0 : 5);
      } else {
        const error = expectGrpcError(() => decoder.push(header), Code.ResourceExhausted);
        expect(error.statusMessage).to.include(String(length)).and.include(String(maxBytes));
      }
    });

  it("rejects with the header split byte by byte, before any payload arrives", () => {
    const decoder = new FrameDecoder(4);
    const header = encodeFrameHeader(5, false);
    for (let i = 0; i < 4; i++) decoder.push(header.subarray(i, i + 1));
    expectGrpcError(() => decoder.push(header.subarray(4)), Code.ResourceExhausted);
  });

  it("allocates nothing for a huge prefix", () => {
    const before = process.memoryUsage().arrayBuffers;
    expectGrpcError(() => new FrameDecoder().push(encodeFrameHeader(0xffff_ffff, false)), Code.ResourceExhausted);
    expect(process.memoryUsage().arrayBuffers - before).to.be.lessThan(1 << 20);
  });

  it("has no limit with Infinity", () => {
    const decoder = new FrameDecoder(Infinity);
    decoder.push(encodeFrameHeader(0xffff_fff0, false).subarray(0, 4));
    expect(decoder.buffered).to.equal(4);
  });

  for (const maxBytes of [-1, 1.5, NaN])
    it(`refuses maxBytes ${maxBytes} (RangeError)`, () => expect(() => new FrameDecoder(maxBytes)).to.throw(RangeError));
});

describe("checklist 8: FrameDecoder.end inside a message is INTERNAL", () => {
  const full = encodeFrame(Uint8Array.of(1, 2, 3, 4));
  for (let cut = 1; cut < full.length; cut++)
    it(`ends after ${cut} of ${full.length} bytes`, () => {
      const decoder = new FrameDecoder();
      expect(decoder.push(full.subarray(0, cut))).to.deep.equal([]);
      expect(decoder.buffered).to.equal(cut);
      const error = expectGrpcError(() => decoder.end(), Code.Internal);
      expect(error.statusMessage).to.match(/^framing: stream ended inside a message/);
    });

  it("ends cleanly between messages and on an empty stream", () => {
    new FrameDecoder().end();
    const decoder = new FrameDecoder();
    decoder.push(concat(full, full));
    decoder.end();
  });
});
