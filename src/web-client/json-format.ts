import { TypeRegistry } from "../descriptor/index.js";
import type { FromJsonOptions, ToJsonOptions } from "../json/index.js";
import type { Method, Service } from "../service/index.js";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { WebFormat, WebFormatCodecs } from "./web-format.js";

/** Options of jsonFormat: how requests are printed and responses parsed (protobuf's JSON options). */
export interface JsonFormatOptions {
  /** Print request fields that hold their default value too (protobuf's alwaysPrintFieldsWithNoPresence). Default false. */
  emitDefaults?: boolean | undefined;
  /** Print request enum values as numbers instead of names. Default false. */
  enumAsInteger?: boolean | undefined;
  /** Print request fields by their .proto names ("response_size") instead of their JSON names. Default false. */
  useProtoFieldName?: boolean | undefined;
  /**
   * Skip response fields and enum names the client's schema does not know (a newer server) instead
   * of failing the call INTERNAL. Default false.
   */
  ignoreUnknownFields?: boolean | undefined;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The proto3 JSON format for `createWebClient({ format: jsonFormat() })`: requests and responses
 * as JSON text (`application/grpc-web+json`, `application/grpc-web-text+json`, Connect's
 * `application/json` and `application/connect+json`), through the canonical JSON mapping of the
 * service's schema (`files()` of generated code). The typed API stays the same: calls take and
 * return the same message objects as with protobuf.
 *
 * A service without a schema (built with defineService) is a TypeError when the client is
 * created. The schema is read on a service's first call. A request with no JSON form (a Timestamp
 * out of range) or a response that is not JSON of the method's type fails INTERNAL, naming it.
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function jsonFormat(options: JsonFormatOptions = {}): WebFormat {
  const toOptions: ToJsonOptions = {
    emitDefaults: options.emitDefaults === true,
    enumAsInteger: options.enumAsInteger === true,
    useProtoFieldName: options.useProtoFieldName === true,
  };
  const fromOptions: FromJsonOptions = { ignoreUnknownFields: options.ignoreUnknownFields === true };
  const registries = new WeakMap<Service, TypeRegistry>();
  const registryOf = (service: Service, files: () => readonly Uint8Array[]): TypeRegistry => {
    let registry = registries.get(service);
    if (registry === undefined) {
      registry = TypeRegistry.fromFiles(files());
      registries.set(service, registry);
    }
    return registry;
  };
  return {
    name: "json",
    codecsOf(service: Service, method: Method): WebFormatCodecs {
      const files = service.files;
      if (files === undefined)
        throw new TypeError(
          `web client: ${service.name} has no schema (files()), which the JSON format needs; generate its code with tsgrpc gen or load it with loadService`,
        );
      let types: { inputType: string; outputType: string } | undefined;
      const typesOf = (): { inputType: string; outputType: string } => {
        if (types !== undefined) return types;
        let registry: TypeRegistry;
        try {
          registry = registryOf(service, files);
        } catch (error) {
          throw new GrpcError(Code.Internal, `web client: the schema of ${service.name} does not load: ${describeError(error)}`, {
            cause: error,
          });
        }
        const info = registry.service(service.name)?.methods.find((candidate) => candidate.path === method.path);
        if (info === undefined)
          throw new GrpcError(Code.Internal, `web client: the schema of ${service.name} has no method ${method.path} to map JSON with`);
        types = { inputType: info.inputType, outputType: info.outputType };
        return types;
      };
      return {
        encodeRequest(value: unknown): Uint8Array {
          const { inputType } = typesOf();
          const binary = method.requestCodec.encode(value);
          try {
            return utf8Encoder.encode(JSON.stringify(registryOf(service, files).toJson(inputType, binary, toOptions)));
          } catch (error) {
            throw new GrpcError(Code.Internal, `web client: the request of ${method.path} has no JSON form: ${describeError(error)}`, {
              cause: error,
            });
          }
        },
        decodeResponse(bytes: Uint8Array): unknown {
          const { outputType } = typesOf();
          let binary: Uint8Array;
          try {
            binary = registryOf(service, files).fromJson(outputType, utf8Decoder.decode(bytes), fromOptions);
          } catch (error) {
            throw new GrpcError(
              Code.Internal,
              `web client: the JSON response of ${method.path} is not a ${outputType}: ${describeError(error)}`,
              {
                cause: error,
              },
            );
          }
          return method.responseCodec.decode(binary);
        },
      };
    },
  };
}
