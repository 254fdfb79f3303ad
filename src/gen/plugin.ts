import { BinaryReader, BinaryWriter } from "../protobuf/index.js";
import { generateFiles } from "./generate.js";
import { GenerateError, type GenerateOptions } from "./generate-file.js";
import { rootFromDescriptors } from "./root-from-descriptors.js";

// google/protobuf/compiler/plugin.proto, the few fields a plugin needs:
//   CodeGeneratorRequest  { repeated string file_to_generate = 1; string parameter = 2; repeated FileDescriptorProto proto_file = 15; }
//   CodeGeneratorResponse { string error = 1; uint64 supported_features = 2; repeated File file = 15; }
//   CodeGeneratorResponse.File { string name = 1; string content = 15; }
/** FEATURE_PROTO3_OPTIONAL: the plugin handles proto3 `optional` fields. */
const FEATURE_PROTO3_OPTIONAL = 1n;

interface PluginRequest {
  filesToGenerate: string[];
  parameter: string;
  protoFiles: Uint8Array[];
}

function readRequest(bytes: Uint8Array): PluginRequest {
  const reader = new BinaryReader(bytes);
  const request: PluginRequest = { filesToGenerate: [], parameter: "", protoFiles: [] };
  while (reader.pos < bytes.length) {
    const tag = reader.tag();
    if (tag === 10) request.filesToGenerate.push(reader.string());
    else if (tag === 18) request.parameter = reader.string();
    else if (tag === 122) request.protoFiles.push(reader.bytes());
    else reader.skip(tag);
  }
  return request;
}

/**
 * Parses the plugin parameter (`--tsgrpc_opt=runtime_import=../src/index.js`): comma-separated
 * key=value pairs; an unknown key is an error.
 */
export function optionsFromParameter(parameter: string): GenerateOptions {
  const options: GenerateOptions = {};
  for (const pair of parameter.split(",")) {
    if (pair.trim() === "") continue;
    const [key, ...rest] = pair.split("=");
    const value = rest.join("=").trim();
    if (key?.trim() === "runtime_import" && value !== "") options.runtimeImport = value;
    else throw new GenerateError(`unknown plugin option ${JSON.stringify(pair)} (known: runtime_import=MODULE)`);
  }
  return options;
}

/**
 * The protoc plugin: a serialized CodeGeneratorRequest in, a serialized CodeGeneratorResponse
 * out, with the same modules `tsgrpc gen` writes. Bad input becomes the response's `error`,
 * which protoc prints, as the plugin protocol asks.
 * https://github.com/protocolbuffers/protobuf/blob/main/src/google/protobuf/compiler/plugin.proto
 */
export function runPlugin(requestBytes: Uint8Array): Uint8Array {
  const writer = new BinaryWriter();
  try {
    const request = readRequest(requestBytes);
    const options = optionsFromParameter(request.parameter);
    const { root, files } = rootFromDescriptors(request.protoFiles);
    const generated = generateFiles(root, files, request.filesToGenerate, options);
    writer.uint32(16).uint64(FEATURE_PROTO3_OPTIONAL);
    for (const file of generated) {
      const at = writer.uint32(122).fork();
      writer.uint32(10).string(file.path);
      writer.uint32(122).string(file.content);
      writer.join(at);
    }
  } catch (error) {
    writer.reset(0);
    writer.uint32(10).string(error instanceof Error ? error.message : String(error));
  }
  return writer.finish();
}
