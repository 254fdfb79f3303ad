// The first file holds types only; `export *` keeps it loaded, so c8 (all: true) does not count it as uncovered.
export * from "./codec.js";
export { protobufCodec, type ProtobufCodecOptions } from "./protobuf-codec.js";
export { rawCodec } from "./raw-codec.js";
