import { expect } from "chai";
import protobuf from "protobufjs";
import {
  EMPTY_FRAME,
  frameMessage,
  payloadResponseFrame,
  repeatFrame,
  simpleRequestFrame,
  streamingInputRequestFrame,
  streamingOutputRequestFrame,
  testServicePath,
} from "../../../bench/lib/messages.js";
import { PROTO_INCLUDE_DIR, TEST_PROTO } from "../../../bench/lib/proto.js";

// The hand-encoded bodies must be exactly what a protobuf decoder reads as the grpc.testing messages.
describe("bench messages", () => {
  let root: protobuf.Root;
  before(async () => {
    root = new protobuf.Root();
    root.resolvePath = (origin, target) =>
      target.startsWith("grpc/") ? `${PROTO_INCLUDE_DIR}/${target}` : protobuf.util.path.resolve(origin, target);
    await root.load(TEST_PROTO);
  });
  const decode = (type: string, frame: Uint8Array) => {
    const length = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
    expect(frame[0]).to.equal(0);
    expect(frame.length).to.equal(5 + length);
    return root.lookupType(type).toObject(root.lookupType(type).decode(frame.subarray(5)), { defaults: false }) as any;
  };

  // 127/128 and 16383/16384 cross varint length boundaries.
  for (const size of [0, 1, 127, 128, 1024, 16383, 16384, 65536, 1024 * 1024]) {
    it(`SimpleRequest carries a ${size}-byte payload`, () => {
      const request = decode("grpc.testing.SimpleRequest", simpleRequestFrame(size));
      expect(request.payload?.body?.length ?? 0).to.equal(size);
    });
    it(`StreamingInputCallRequest carries a ${size}-byte payload`, () => {
      expect(decode("grpc.testing.StreamingInputCallRequest", streamingInputRequestFrame(size)).payload?.body?.length ?? 0).to.equal(size);
    });
    it(`payload response frame reads as a StreamingOutputCallResponse of ${size} bytes`, () => {
      expect(decode("grpc.testing.StreamingOutputCallResponse", payloadResponseFrame(size)).payload?.body?.length ?? 0).to.equal(size);
    });
  }

  for (const [count, size, payloadSize] of [
    [0, 0, 0],
    [1, 1024, 0],
    [3, 1024, 7],
    [100, 1024, 0],
    [2, 300, 65536],
  ] as const)
    it(`StreamingOutputCallRequest asks for ${count} x ${size} bytes with a ${payloadSize}-byte payload`, () => {
      const request = decode("grpc.testing.StreamingOutputCallRequest", streamingOutputRequestFrame(count, size, payloadSize));
      expect((request.responseParameters ?? []).map((p: { size?: number }) => p.size ?? 0)).to.deep.equal(Array(count).fill(size));
      expect(request.payload?.body?.length ?? 0).to.equal(payloadSize);
    });

  it("frames the empty message as five zero bytes", () => expect([...EMPTY_FRAME]).to.deep.equal([0, 0, 0, 0, 0]));
  it("frameMessage writes a big-endian length", () =>
    expect([...frameMessage(new Uint8Array(258)).subarray(0, 5)]).to.deep.equal([0, 0, 0, 1, 2]));
  it("repeatFrame puts copies back to back", () => {
    const frame = simpleRequestFrame(3);
    const body = repeatFrame(frame, 3);
    expect(body.length).to.equal(3 * frame.length);
    expect([...body.subarray(2 * frame.length)]).to.deep.equal([...frame]);
  });
  it("names TestService paths", () => expect(testServicePath("UnaryCall")).to.equal("/grpc.testing.TestService/UnaryCall"));
});
