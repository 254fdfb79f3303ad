export { DEFAULT_MAX_RECEIVE_BYTES, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES, type Frame } from "./frame.js";
export { encodeFrame, encodeFrameHeader, writeFrameHeader } from "./encode-frame.js";
export { FrameDecoder } from "./frame-decoder.js";
export { readFrames } from "./read-frames.js";
export { describeBytes } from "./describe-bytes.js";
