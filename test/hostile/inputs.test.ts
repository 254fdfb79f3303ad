// Framing, header and compression inputs at their extremes, against our Server: each is refused
// with the spec's status (or a stream reset naming the limit), no handler sees it, and the server
// goes on serving. The length-prefix cases (2^32-1 bytes, limit + 1, bad flag bytes) are in
// test/e2e/hostile-input.test.ts.
import { expect } from "chai";
import { gzipSync } from "node:zlib";
import { Code } from "../../src/index.js";
import { frame, rawCall, type Started, statusOf, unframe } from "../e2e/server-fixtures.js";
import { startTarget } from "./harness.js";
import { ERROR_NAMES, ErrorCode, Flag, FrameType, RawH2, encodeFrame, grpcRequestHeaders, hpackBlock, peerSaw } from "./raw-h2.js";

/** A request header block split into HEADERS + CONTINUATION frames of at most 16 KiB. */
function headerFrames(streamId: number, headers: [string, string][]): Buffer {
  const block = hpackBlock(headers);
  const frames: Buffer[] = [];
  for (let offset = 0; offset < block.length || offset === 0; offset += 16_384) {
    const last = offset + 16_384 >= block.length;
    const type = offset === 0 ? FrameType.Headers : FrameType.Continuation;
    frames.push(encodeFrame(type, last ? Flag.EndHeaders : 0, streamId, block.subarray(offset, offset + 16_384)));
  }
  return Buffer.concat(frames);
}

describe("hostile: framing, header and compression inputs", function () {
  this.timeout(60_000);
  let started: Started;
  beforeEach(async () => (started = await startTarget()));
  afterEach(async () => {
    const healthy = await rawCall(started.port, { body: [frame({ text: "still up" })] });
    expect(statusOf(healthy).code).to.equal(Code.Ok);
    await started.server.forceShutdown();
  });

  const HEADER_CASES: [string, [string, string][]][] = [
    ["10,000 metadata keys", Array.from({ length: 10_000 }, (_, index): [string, string] => [`x-key-${index}`, "v"])],
    ["a 1 MiB metadata value", [["x-big", "v".repeat(2 ** 20)]]],
  ];
  for (const [name, extra] of HEADER_CASES)
    it(`${name}: over the 16 KiB header list limit, refused before any handler runs`, async () => {
      const raw = await RawH2.connect(started.port);
      await raw.waitFor(() => raw.counts.get(FrameType.Settings) !== undefined, 5000);
      await raw.write(headerFrames(1, [...grpcRequestHeaders(), ...extra]));
      await raw.waitFor(() => raw.rstCodeOf(1) !== undefined || raw.goAway !== undefined, 10_000);
      const saw = raw.rstCodeOf(1) !== undefined ? `RST_STREAM ${ERROR_NAMES[raw.rstCodeOf(1)!]}` : peerSaw(raw);
      // nghttp2 resets the stream (ENHANCE_YOUR_CALM) while the block is small enough to decode, and
      // ends the connection once the block itself is too large to buffer.
      expect(saw, saw).to.match(/RST_STREAM EnhanceYourCalm|GOAWAY (EnhanceYourCalm|InternalError|CompressionError|ProtocolError)/);
      expect(raw.framesOf(FrameType.Headers, 1), "no response headers: no handler ran").to.deep.equal([]);
      raw.destroy();
    });

  it("10,000 tiny messages in one DATA frame are all read (client streaming counts them)", async () => {
    const body = Buffer.concat(Array.from({ length: 10_000 }, (_, index) => frame({ i: index })));
    const result = await rawCall(started.port, { path: "/test.Probe/Collect", body: [body] });
    expect(statusOf(result).code).to.equal(Code.Ok);
    expect(JSON.parse(unframe(result.body)[0]!.payload.toString())).to.deep.equal({ count: 10_000 });
  });

  it("a corrupt gzip message is INTERNAL, naming the compression layer", async () => {
    const garbage = Buffer.from("1f8b08000000000000ffdeadbeefdeadbeef", "hex");
    const message = Buffer.concat([Buffer.from([1, 0, 0, 0, garbage.length]), garbage]);
    const result = await rawCall(started.port, { headers: { "grpc-encoding": "gzip" }, body: [message] });
    const status = statusOf(result);
    expect(status.code, status.message).to.equal(Code.Internal);
    expect(status.message).to.match(/^(compression|pipeline): /);
  });

  it("a gzip bomb in a streaming call (small messages first) is RESOURCE_EXHAUSTED, naming the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 2 ** 20));
    const bombMessage = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), bomb]);
    bombMessage.writeUInt32BE(bomb.length, 1);
    const body = [frame({ text: "one" }, true), frame({ text: "two" }, true), bombMessage];
    const result = await rawCall(started.port, { path: "/test.Probe/Chat", headers: { "grpc-encoding": "gzip" }, body, keepOpen: true });
    const status = statusOf(result);
    expect(status.code, status.message).to.equal(Code.ResourceExhausted);
    expect(status.message).to.include("4194304");
    // The two small messages were echoed before the bomb ended the call.
    expect(unframe(result.body).length).to.equal(2);
  });

  it("a 4 GiB length prefix on a client stream is RESOURCE_EXHAUSTED at once, nothing buffered", async () => {
    const prefix = Buffer.from([0, 0xff, 0xff, 0xff, 0xff]);
    const result = await rawCall(started.port, { path: "/test.Probe/Collect", body: [frame({}), prefix], keepOpen: true });
    const status = statusOf(result);
    expect(status.code, status.message).to.equal(Code.ResourceExhausted);
    expect(status.message).to.match(/^server: request of 4294967295 bytes .*exceeds maxReceiveMessageBytes/);
  });

  it(`RST_STREAM with an unknown error code mid-call is read as CANCELLED-like, the server keeps serving (${ErrorCode.Cancel})`, async () => {
    const raw = await RawH2.connect(started.port);
    await raw.write(
      Buffer.concat([
        headerFrames(1, grpcRequestHeaders("/test.Probe/Chat")),
        encodeFrame(FrameType.RstStream, 0, 1, Buffer.from([0, 0, 0xff, 0xff])),
      ]),
    );
    await raw.waitFor(() => false, 200);
    expect(raw.goAway).to.equal(undefined);
    raw.destroy();
  });
});
