// The browser client's message compression: CompressionStream/DecompressionStream round trips,
// the receive limit after decompression (a decompression bomb), and broken or unaccepted input.
import { expect } from "chai";
import { gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { Code, GrpcError } from "../../src/index.js";
import {
  compressMessage,
  decompressMessage,
  decompressReceived,
  defaultAcceptCompression,
  isWebCompression,
} from "../../src/web-client/web-compression.js";

async function failure(promise: Promise<unknown>): Promise<GrpcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("expected a failure");
}

const text = new TextEncoder().encode("hello, compressed world ".repeat(100));

describe("web client: message compression", () => {
  it("knows gzip and deflate, nothing else", () => {
    expect(["gzip", "deflate"].map(isWebCompression)).to.deep.equal([true, true]);
    expect(["identity", "br", "GZIP", "", undefined, 1].map(isWebCompression)).to.deep.equal([false, false, false, false, false, false]);
  });

  it("accepts gzip and deflate by default where DecompressionStream exists (Node 18+)", () => {
    expect(defaultAcceptCompression()).to.deep.equal(["gzip", "deflate"]);
  });

  it("gzip output is RFC 1952, which zlib reads", async () => {
    const compressed = await compressMessage("gzip", text);
    expect(compressed.length).to.be.lessThan(text.length / 4);
    expect(new Uint8Array(gunzipSync(compressed))).to.deep.equal(text);
  });

  it("deflate output is zlib (RFC 1950), as gRPC and Connect mean by deflate", async () => {
    expect(new Uint8Array(inflateSync(await compressMessage("deflate", text)))).to.deep.equal(text);
  });

  for (const compression of ["gzip", "deflate"] as const)
    it(`${compression}: round trip, also of the empty message`, async () => {
      expect(await decompressMessage(compression, await compressMessage(compression, text), text.length)).to.deep.equal(text);
      const empty = await decompressMessage(compression, await compressMessage(compression, new Uint8Array(0)), 0);
      expect(empty.length).to.equal(0);
    });

  it("a decompression bomb stops at the receive limit: RESOURCE_EXHAUSTED naming the client and the limit", async () => {
    // 64 MiB of zeros in 64 KiB: far more than the limit, and it must never be inflated whole.
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
    expect(bomb.length).to.be.lessThan(128 * 1024);
    const error = await failure(decompressMessage("gzip", bomb, 1024 * 1024));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.match(/^web client: .*after gzip decompression exceeds maxReceiveMessageBytes 1048576$/);
  });

  it("exactly the limit is accepted, one byte more is not", async () => {
    const compressed = await compressMessage("gzip", new Uint8Array(1000));
    expect((await decompressMessage("gzip", compressed, 1000)).length).to.equal(1000);
    expect((await failure(decompressMessage("gzip", compressed, 999))).code).to.equal(Code.ResourceExhausted);
  });

  for (const [name, bytes] of [
    ["not gzip at all", new TextEncoder().encode("plain text, not gzip")],
    ["a gzip stream cut short", new Uint8Array(gzipSync(text)).subarray(0, 20)],
  ] as const)
    it(`${name}: INTERNAL`, async () => {
      const error = await failure(decompressMessage("gzip", bytes, 1 << 20));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.match(/^web client: decompressing a gzip message failed/);
    });

  describe("decompressReceived", () => {
    it("decompresses in the encoding the response names (any case, spaces around)", async () => {
      const compressed = await compressMessage("deflate", text);
      expect(await decompressReceived(compressed, " Deflate ", "grpc-encoding", ["gzip", "deflate"], 1 << 20)).to.deep.equal(text);
    });
    for (const encoding of [null, "", "identity"])
      it(`a compressed message with grpc-encoding ${JSON.stringify(encoding)} is INTERNAL`, async () => {
        const error = await failure(decompressReceived(text, encoding, "grpc-encoding", ["gzip"], 1 << 20));
        expect(error.code).to.equal(Code.Internal);
        expect(error.statusMessage).to.equal("web client: received a message flagged compressed, but the response has no grpc-encoding");
      });
    for (const [encoding, accepted] of [
      ["br", ["gzip", "deflate"]],
      ["gzip", ["deflate"]],
      ["gzip", []],
    ] as const)
      it(`a message in ${encoding} when accepting [${accepted.join(", ")}] is INTERNAL, naming both`, async () => {
        const error = await failure(decompressReceived(text, encoding, "connect-content-encoding", accepted, 1 << 20));
        expect(error.code).to.equal(Code.Internal);
        expect(error.statusMessage).to.include(`"${encoding}" (connect-content-encoding)`);
        expect(error.statusMessage).to.include(`accepts: ${accepted.join(", ") || "none"}`);
      });
  });
});
