import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import protobuf from "protobufjs";
import { protobufCodec, type Codec, type ProtobufCodecOptions } from "../codec/index.js";
import { LoadedFiles } from "./loaded-files.js";
import { methodPath, type Method } from "./method.js";
import { methodKindFromStreaming } from "./method-kind.js";
import type { Service } from "./service.js";

/** Options of serviceFromProtobuf: passed to every protobufCodec it creates. */
export type ServiceFromProtobufOptions = ProtobufCodecOptions;

/** Options of loadService. */
export interface LoadServiceOptions extends ServiceFromProtobufOptions {
  /** Folders searched, in order, for the files and their imports. */
  includeDirs?: string[] | undefined;
  /** Keep field names as written in the .proto instead of converting them to camelCase (default false). */
  keepCase?: boolean | undefined;
}

/**
 * Describes a service loaded by protobufjs from a .proto file at run time.
 *
 * Method kind comes from the `stream` flags; localName is the method name with a lower-case
 * first letter; path is "/" + full service name (no leading ".") + "/" + method name.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 *
 * The .proto is read at run time, so the compiler cannot see its types: by default the service
 * is loosely typed. Pass the methods' types to type its clients and handlers, as in
 * `serviceFromProtobuf<{ sayHello: UnaryMethod<HelloRequest, HelloReply> }>(...)`; they are
 * taken on trust, not checked against the .proto.
 */
export function serviceFromProtobuf<M extends Record<keyof M, Method> = Record<string, Method>>(
  service: protobuf.Service,
  options: ServiceFromProtobufOptions = {},
): Service<M> {
  service.resolveAll();
  const name = service.fullName.slice(1);
  const codecs = new Map<protobuf.Type, Codec<unknown>>();
  const codecFor = (type: protobuf.Type): Codec<unknown> => {
    let codec = codecs.get(type);
    if (codec === undefined) codecs.set(type, (codec = protobufCodec(type, options)));
    return codec;
  };
  const methods: Record<string, Method> = {};
  for (const method of service.methodsArray) {
    const localName = method.name.charAt(0).toLowerCase() + method.name.slice(1);
    methods[localName] = {
      name: method.name,
      localName,
      path: methodPath(name, method.name),
      kind: methodKindFromStreaming(method.requestStream === true, method.responseStream === true),
      requestCodec: codecFor(method.resolvedRequestType!),
      responseCodec: codecFor(method.resolvedResponseType!),
    };
  }
  return { name, methods: methods as M };
}

/**
 * Loads .proto files and describes one service from them (a convenience over protobufjs and serviceFromProtobuf).
 *
 * A service name that is not in the files is a TypeError. The service's `files` holds the schema
 * for reflection and the JSON mapping: FileDescriptorProtos built from what protobufjs parsed
 * (the service's file, then its imports, transitively), named as the files import each other
 * (a file given directly: relative to the include directory it lies in, else its base name). As with serviceFromProtobuf, the
 * service is loosely typed unless its methods' types are given: `loadService<GreeterMethods>(...)`.
 */
export async function loadService<M extends Record<keyof M, Method> = Record<string, Method>>(
  protoFiles: string | string[],
  serviceName: string,
  options: LoadServiceOptions = {},
): Promise<Service<M>> {
  const root = new protobuf.Root();
  const includeDirs = options.includeDirs ?? [];
  const loaded = new LoadedFiles(includeDirs);
  root.resolvePath = (origin, target) => {
    let path: string | undefined;
    if (!isAbsolute(target))
      for (const dir of includeDirs) {
        const candidate = join(dir, target);
        if (existsSync(candidate)) {
          path = candidate;
          break;
        }
      }
    path ??= protobuf.util.path.resolve(origin, target);
    loaded.resolved(path, target, origin === "");
    return path;
  };
  await root.load(protoFiles, { keepCase: options.keepCase ?? false });
  const found = root.lookup(serviceName);
  if (!(found instanceof protobuf.Service))
    throw new TypeError(`service: no service ${JSON.stringify(serviceName)} in ${JSON.stringify(protoFiles)}`);
  const { name, methods } = serviceFromProtobuf<M>(found, { toObject: options.toObject });
  return { name, files: loaded.filesOf(found), methods };
}
