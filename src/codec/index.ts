export { type Codec } from "./codec.js";
export { protobufCodec, type ProtobufCodecOptions } from "./protobuf-codec.js";
export { rawCodec } from "./raw-codec.js";
