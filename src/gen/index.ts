export { generateFiles, type GeneratedFile } from "./generate.js";
export { GenerateError, generateFile, isWellKnownFile, type GenerateOptions } from "./generate-file.js";
export { BUNDLED_PROTO_DIR, loadProtos, type LoadedProtos } from "./load-protos.js";
export { outputPathOf, type ProtoFile } from "./proto-file.js";
export { optionsFromParameter, runPlugin } from "./plugin.js";
export { rootFromDescriptors } from "./root-from-descriptors.js";
