import { Code, type Server, type Service, type ServiceImplementation } from "../index.js";
import { reflectionV1, reflectionV1alpha } from "../grpc/index.js";
import { SchemaIndex } from "./schema-index.js";

type Request = reflectionV1.ServerReflectionRequest;
type ResponseInput = reflectionV1.ServerReflectionResponseInput;
type Answer = NonNullable<ResponseInput["messageResponse"]>;

/** Where addReflection finds the services to describe: a Server, or anything that lists services. */
export interface ServiceSource {
  /** The services to describe, read again on every request (so services added later are seen). */
  readonly services: readonly Service[];
}

/**
 * Serves gRPC server reflection on `server`: `grpc.reflection.v1.ServerReflection` and the older
 * `grpc.reflection.v1alpha.ServerReflection` (the same handler), describing every service the
 * server has, also those added after this call. Returns the server.
 *
 * Schemas come from the services' `files` (generated code, loadService); a service defined by hand
 * is listed, and a lookup of its symbols answers NOT_FOUND saying it has no descriptor.
 * https://github.com/grpc/grpc/blob/master/doc/server-reflection.md
 */
export function addReflection(server: Server): Server {
  const handler = reflectionHandler(server);
  server.add(reflectionV1.ServerReflection, { serverReflectionInfo: handler });
  server.add(reflectionV1alpha.ServerReflection, { serverReflectionInfo: handler });
  return server;
}

/**
 * The ServerReflectionInfo handler over `source` (what addReflection registers, for servers that
 * register it themselves, e.g. under a single version). Each request gets one response; errors
 * are an error_response and the stream stays open. On one stream a dependency file is sent once:
 * later responses leave out files already sent (the requested file itself is always sent).
 */
export function reflectionHandler(
  source: ServiceSource,
): ServiceImplementation<typeof reflectionV1.ServerReflection>["serverReflectionInfo"] {
  let cached: { services: readonly Service[]; index: SchemaIndex } | undefined;
  const indexOf = (): SchemaIndex => {
    const services = source.services;
    if (cached === undefined || cached.services.length !== services.length || cached.services.some((service, i) => service !== services[i]))
      cached = { services, index: new SchemaIndex(services) };
    return cached.index;
  };
  return async function* serverReflectionInfo(requests) {
    const sent = new Set<string>();
    for await (const request of requests) {
      const response: ResponseInput = {
        validHost: request.host,
        originalRequest: request,
        messageResponse: answer(indexOf(), request, sent),
      };
      yield response;
    }
  };
}

function error(code: Code, message: string): Answer {
  return { case: "errorResponse", value: { errorCode: code, errorMessage: message } };
}

function answer(index: SchemaIndex, request: Request, sent: Set<string>): Answer {
  const message = request.messageRequest;
  switch (message.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: [...index.registered].sort().map((name) => ({ name })) } };
    case "fileByFilename": {
      if (!index.files.has(message.value)) return error(Code.NotFound, `reflection: no file ${JSON.stringify(message.value)}`);
      return files(index, message.value, sent);
    }
    case "fileContainingSymbol": {
      const symbol = message.value.replace(/^\./, "");
      const file = index.symbols.get(symbol);
      if (file !== undefined) return files(index, file, sent);
      return error(Code.NotFound, symbolNotFound(index, symbol));
    }
    case "fileContainingExtension": {
      const type = message.value.containingType.replace(/^\./, "");
      const file = index.extensions.get(type)?.get(message.value.extensionNumber);
      if (file !== undefined) return files(index, file, sent);
      if (!index.messages.has(type) && !index.extensions.has(type))
        return error(Code.NotFound, `reflection: no message type ${JSON.stringify(type)}`);
      return error(Code.NotFound, `reflection: no extension ${message.value.extensionNumber} of ${type}`);
    }
    case "allExtensionNumbersOfType": {
      const type = message.value.replace(/^\./, "");
      const numbers = index.extensions.get(type);
      if (numbers === undefined && !index.messages.has(type))
        return error(Code.NotFound, `reflection: no message type ${JSON.stringify(type)}`);
      return {
        case: "allExtensionNumbersResponse",
        value: { baseTypeName: type, extensionNumber: [...(numbers?.keys() ?? [])].sort((a, b) => a - b) },
      };
    }
    default:
      return error(Code.InvalidArgument, "reflection: the request sets none of the message_request fields this server knows");
  }
}

function symbolNotFound(index: SchemaIndex, symbol: string): string {
  for (const service of [...index.undescribed, ...index.broken.keys()]) {
    if (symbol === service || symbol.startsWith(`${service}.`)) {
      const why = index.broken.get(service) ?? "it was defined by hand (generated code and loadService carry one)";
      return `reflection: service ${service} has no descriptor: ${why}`;
    }
  }
  return `reflection: no symbol ${JSON.stringify(symbol)}`;
}

/** The file `name` first, then the files it imports, transitively, leaving out those already sent on this stream. */
function files(index: SchemaIndex, name: string, sent: Set<string>): Answer {
  const out: Uint8Array[] = [];
  const queue = [name];
  const visited = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (visited.has(current)) continue;
    visited.add(current);
    const file = index.files.get(current);
    if (file === undefined) continue;
    if (out.length === 0 || !sent.has(current)) {
      sent.add(current);
      out.push(file.bytes);
    }
    queue.push(...file.dependencies);
  }
  return { case: "fileDescriptorResponse", value: { fileDescriptorProto: out } };
}
