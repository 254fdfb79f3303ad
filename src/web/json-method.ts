import type { Codec } from "../codec/index.js";
import { TypeRegistry } from "../descriptor/index.js";
import type { Method, Service } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";

/**
 * What the web protocols need of the proto3 JSON mapping for one service's schema (TypeRegistry
 * of src/descriptor fits it).
 */
export interface JsonMapping {
  /** The request and response type names of the method at `path`, and whether it is side-effect free; undefined if unknown. */
  methodTypes(path: string): MethodTypes | undefined;
  /** Binary message -> its JSON value. */
  toJson(typeName: string, bytes: Uint8Array): unknown;
  /** JSON text -> the binary message. */
  fromJson(typeName: string, json: string): Uint8Array;
}

/** A method's message types, as its .proto declares them. */
export interface MethodTypes {
  inputType: string;
  outputType: string;
  /** `option idempotency_level = NO_SIDE_EFFECTS`: Connect may call it with GET. */
  noSideEffects: boolean;
}

/** Builds the JsonMapping of a service's schema (its files(), serialized FileDescriptorProtos). */
export type JsonMappingFactory = (files: readonly Uint8Array[]) => JsonMapping;

/** `MethodOptions.IdempotencyLevel.NO_SIDE_EFFECTS` (google/protobuf/descriptor.proto). */
const NO_SIDE_EFFECTS = 1;

/**
 * The JsonMapping of a schema through a TypeRegistry (src/descriptor, src/json): the canonical
 * proto3 JSON mapping, and each method's types and idempotency level from its descriptor.
 */
export function registryJsonMapping(files: readonly Uint8Array[]): JsonMapping {
  const registry = TypeRegistry.fromFiles(files);
  return {
    methodTypes(path: string): MethodTypes | undefined {
      const slash = path.lastIndexOf("/");
      const method = registry.service(path.slice(1, slash))?.methods.find((candidate) => candidate.path === path);
      if (method === undefined) return undefined;
      return {
        inputType: method.inputType,
        outputType: method.outputType,
        noSideEffects: method.descriptor.options?.idempotencyLevel === NO_SIDE_EFFECTS,
      };
    },
    toJson: (typeName, bytes) => registry.toJson(typeName, bytes),
    fromJson: (typeName, json) => registry.fromJson(typeName, json),
  };
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * The JSON mapping of each service, built on first use from its schema (`Service.files`), and
 * the JSON form of each method: the same handler, with codecs that go JSON -> binary -> message
 * and message -> binary -> JSON.
 */
export class JsonMethods {
  private readonly factory: JsonMappingFactory | undefined;
  private readonly mappings = new WeakMap<Service, JsonMapping | null>();
  private readonly methods = new WeakMap<Method, Method>();

  constructor(factory: JsonMappingFactory | undefined = registryJsonMapping) {
    this.factory = factory;
  }

  /** The mapping of `service`, or undefined when it has no schema (or JSON is not available). */
  mappingOf(service: Service): JsonMapping | undefined {
    let mapping = this.mappings.get(service);
    if (mapping === undefined) {
      const files = service.files?.();
      mapping = this.factory === undefined || files === undefined || files.length === 0 ? null : this.factory(files);

      this.mappings.set(service, mapping);
    }
    return mapping ?? undefined;
  }

  /** `method` with JSON codecs; UNIMPLEMENTED when its service has no schema to map JSON with. */
  jsonMethod(method: Method, service: Service): Method {
    const known = this.methods.get(method);
    if (known !== undefined) return known;
    const mapping = this.mappingOf(service);
    const types = mapping?.methodTypes(method.path);
    if (mapping === undefined || types === undefined)
      throw new GrpcError(
        Code.Unimplemented,
        `web: ${method.path} cannot be called with JSON: its service has no schema (generate it with tsgrpc gen, or load it with loadService)`,
      );
    const json: Method = {
      ...method,
      requestCodec: jsonRequestCodec(method.requestCodec, mapping, types.inputType),
      responseCodec: jsonResponseCodec(method.responseCodec, mapping, types.outputType),
    };
    this.methods.set(method, json);
    return json;
  }
}

function jsonRequestCodec(binary: Codec<unknown>, mapping: JsonMapping, typeName: string): Codec<unknown> {
  return {
    encode(value: unknown): Uint8Array {
      return utf8Encoder.encode(JSON.stringify(mapping.toJson(typeName, binary.encode(value))));
    },
    decode(bytes: Uint8Array): unknown {
      let text: string;
      try {
        text = utf8Decoder.decode(bytes);
      } catch (error) {
        throw new GrpcError(Code.Internal, `web: the JSON request of type ${typeName} is not UTF-8`, { cause: error });
      }
      let message: Uint8Array;
      try {
        message = mapping.fromJson(typeName, text);
      } catch (error) {
        throw GrpcError.from(error, Code.Internal, `web: the JSON request is not a ${typeName}`);
      }
      return binary.decode(message);
    },
  };
}

function jsonResponseCodec(binary: Codec<unknown>, mapping: JsonMapping, typeName: string): Codec<unknown> {
  return {
    encode(value: unknown): Uint8Array {
      return utf8Encoder.encode(JSON.stringify(mapping.toJson(typeName, binary.encode(value))));
    },
    decode(bytes: Uint8Array): unknown {
      return binary.decode(mapping.fromJson(typeName, utf8Decoder.decode(bytes)));
    },
  };
}
