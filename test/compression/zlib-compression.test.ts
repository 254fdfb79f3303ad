import { expect } from "chai";
import * as zlib from "node:zlib";
import { DEFAULT_COMPRESSIONS, deflate, gzip, identity, type Compression } from "../../src/compression/index.js";
import { Code } from "../../src/status/index.js";
import { grpcErrorOf } from "../pipeline/helpers.js";

const MIB = 1 << 20;

let segment: Uint8Array | undefined;

/**
 * A ~1 MiB stream that inflates to `mebibytes` MiB of zeros, in one gzip member or one zlib stream.
 *
 * A raw deflate segment of 1 MiB of zeros ending on a sync flush is self-contained and byte-aligned,
 * so it can be repeated; a final empty block and the real trailer (CRC-32 or Adler-32) close it.
 */
function buildBomb(format: "gzip" | "zlib", mebibytes: number): Uint8Array {
  const zeros = new Uint8Array(MIB);
  segment ??= zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const header = format === "gzip" ? Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff) : Uint8Array.of(0x78, 0xda);
  const trailer = new DataView(new ArrayBuffer(format === "gzip" ? 8 : 4));
  const total = mebibytes * MIB;
  if (format === "gzip") {
    let crc = 0;
    for (let i = 0; i < mebibytes; i++) crc = zlib.crc32(zeros, crc);
    trailer.setUint32(0, crc >>> 0, true);
    trailer.setUint32(4, total >>> 0, true);
  } else {
    trailer.setUint32(0, (((total % 65521) << 16) | 1) >>> 0);
  }
  const finalBlock = Uint8Array.of(3, 0);
  const bomb = new Uint8Array(header.length + segment!.length * mebibytes + finalBlock.length + trailer.byteLength);
  bomb.set(header, 0);
  for (let i = 0; i < mebibytes; i++) bomb.set(segment!, header.length + i * segment!.length);
  bomb.set(finalBlock, bomb.length - trailer.byteLength - 2);
  bomb.set(new Uint8Array(trailer.buffer), bomb.length - trailer.byteLength);
  return bomb;
}

describe("compression: identity, gzip, deflate", () => {
  const samples: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", Uint8Array.of(42)],
    ["text", new TextEncoder().encode("hello hello hello hello")],
    ["64 KiB of pattern", Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff)],
  ];
  for (const compression of [identity, gzip, deflate])
    for (const [name, bytes] of samples)
      it(`${compression.name} round-trips ${name}`, async () => {
        const compressed = await compression.compress(bytes);
        expect([...(await compression.decompress(compressed, bytes.length))]).to.deep.equal([...bytes]);
      });

  it("offers gzip and deflate by default", () => expect(DEFAULT_COMPRESSIONS.map((c) => c.name)).to.deep.equal(["gzip", "deflate"]));

  it("identity passes bytes through without copying", async () => {
    const bytes = Uint8Array.of(1, 2);
    expect(await identity.compress(bytes)).to.equal(bytes);
    expect(await identity.decompress(bytes, 2)).to.equal(bytes);
  });

  it("gzip writes RFC 1952 (node's gunzip reads it)", async () => {
    const compressed = await gzip.compress(Uint8Array.of(1, 2, 3));
    expect([compressed[0], compressed[1]]).to.deep.equal([0x1f, 0x8b]);
    expect([...zlib.gunzipSync(compressed)]).to.deep.equal([1, 2, 3]);
  });

  it("deflate writes the zlib format of RFC 1950, not raw deflate", async () => {
    const compressed = await deflate.compress(Uint8Array.of(1, 2, 3));
    expect(((compressed[0]! << 8) | compressed[1]!) % 31).to.equal(0);
    expect(compressed[0]! & 0x0f).to.equal(8);
    expect([...zlib.inflateSync(compressed)]).to.deep.equal([1, 2, 3]);
  });

  it("deflate reads what other implementations send as deflate (zlib format, any level)", async () => {
    for (const level of [0, 1, 6, 9]) {
      const sent = zlib.deflateSync(Uint8Array.of(5, 6, 7), { level });
      expect([...(await deflate.decompress(sent, 100))]).to.deep.equal([5, 6, 7]);
    }
  });
});

describe("compression: corrupt input is INTERNAL naming the algorithm", () => {
  const text = new TextEncoder().encode("some message some message");
  const cases: [Compression, string, Uint8Array][] = [
    [gzip, "garbage", Uint8Array.of(1, 2, 3, 4, 5)],
    [gzip, "truncated", zlib.gzipSync(text).subarray(0, 12)],
    [gzip, "zlib format", zlib.deflateSync(text)],
    [
      gzip,
      "bad CRC",
      (() => {
        const b = zlib.gzipSync(text);
        b[b.length - 6]! ^= 0xff;
        return b;
      })(),
    ],
    [deflate, "garbage", Uint8Array.of(1, 2, 3, 4, 5)],
    [deflate, "raw deflate (RFC 1951)", zlib.deflateRawSync(text)],
    [deflate, "gzip format", zlib.gzipSync(text)],
    [deflate, "truncated", zlib.deflateSync(text).subarray(0, 6)],
    [
      deflate,
      "bad Adler-32",
      (() => {
        const b = zlib.deflateSync(text);
        b[b.length - 1]! ^= 0xff;
        return b;
      })(),
    ],
  ];
  for (const [compression, name, bytes] of cases)
    it(`${compression.name}: ${name}`, async () => {
      const error = await grpcErrorOf(() => compression.decompress(bytes, 1000));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.include(compression.name);
    });
});

describe("checklist 27: decompression is bounded by the receive limit", () => {
  for (const compression of [gzip, deflate]) {
    const bytes = new Uint8Array(1000).fill(7);
    const cases: [number, boolean][] = [
      [1000, true],
      [1001, true],
      [999, false],
      [0, false],
      [16, false],
    ];
    for (const [maxBytes, accepted] of cases)
      it(`${compression.name}: 1000 bytes with limit ${maxBytes} ${accepted ? "pass" : "are RESOURCE_EXHAUSTED"}`, async () => {
        const compressed = await compression.compress(bytes);
        if (accepted) expect((await compression.decompress(compressed, maxBytes)).length).to.equal(1000);
        else expect((await grpcErrorOf(() => compression.decompress(compressed, maxBytes))).code).to.equal(Code.ResourceExhausted);
      });
    it(`${compression.name}: a one-byte message is RESOURCE_EXHAUSTED with limit 0`, async () => {
      const compressed = await compression.compress(Uint8Array.of(1));
      expect((await grpcErrorOf(() => compression.decompress(compressed, 0))).code).to.equal(Code.ResourceExhausted);
    });
    it(`${compression.name}: an empty message passes limit 0`, async () =>
      expect((await compression.decompress(await compression.compress(new Uint8Array(0)), 0)).length).to.equal(0));
  }

  it("identity: over the limit is RESOURCE_EXHAUSTED", async () =>
    expect((await grpcErrorOf(() => identity.decompress(new Uint8Array(5), 4))).code).to.equal(Code.ResourceExhausted));

  for (const [compression, format] of [
    [gzip, "gzip"],
    [deflate, "zlib"],
  ] as const)
    it(`${compression.name}: a ~1 MiB bomb of 1 GiB stops at the 4 MiB limit with memory staying small`, async () => {
      const bomb = buildBomb(format, 1024);
      expect(bomb.length).to.be.within(MIB, 1.1 * MIB);
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakArrayBuffers = before.arrayBuffers;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
      }, 1);
      const started = performance.now();
      try {
        const error = await grpcErrorOf(() => compression.decompress(bomb, 4 * MIB));
        expect(error.code).to.equal(Code.ResourceExhausted);
        expect(error.statusMessage).to.include(String(4 * MIB));
      } finally {
        clearInterval(sampler);
      }
      const after = process.memoryUsage();
      peakRss = Math.max(peakRss, after.rss);
      peakArrayBuffers = Math.max(peakArrayBuffers, after.arrayBuffers);
      expect(peakRss - before.rss, "rss growth").to.be.lessThan(100 * MIB);
      expect(peakArrayBuffers - before.arrayBuffers, "arrayBuffers growth").to.be.lessThan(100 * MIB);
      // Inflating the whole GiB takes seconds; stopping at 4 MiB takes milliseconds.
      expect(performance.now() - started).to.be.lessThan(1000);
    });

  it("the bomb is real: the same construction with 8 MiB inflates to exactly 8 MiB of zeros, trailer checked", () => {
    const zeros = Buffer.alloc(8 * MIB);
    expect(zlib.gunzipSync(buildBomb("gzip", 8)).equals(zeros)).to.equal(true);
    expect(zlib.inflateSync(buildBomb("zlib", 8)).equals(zeros)).to.equal(true);
  });
});
