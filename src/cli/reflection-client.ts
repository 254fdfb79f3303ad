import { reflectionV1, reflectionV1alpha } from "../grpc/index.js";
import { Code, GrpcError, createClient, type CallOptions, type Channel } from "../index.js";
import { ExitCode } from "./exit-code.js";
import { RequestQueue } from "./request-queue.js";
import { CliError } from "./usage-error.js";

type Request = reflectionV1.ServerReflectionRequestInput;
type Response = reflectionV1.ServerReflectionResponse;

/** The reflection versions, newest first; their messages are the same on the wire. */
const VERSIONS = [reflectionV1.ServerReflection, reflectionV1alpha.ServerReflection] as const;

interface OpenStream {
  requests: RequestQueue<Request>;
  responses: AsyncIterator<Response>;
  abort: AbortController;
}

/**
 * A client of gRPC server reflection: one ServerReflectionInfo stream for every question a
 * command asks, `grpc.reflection.v1` first and `v1alpha` when the server answers v1 with
 * UNIMPLEMENTED (grpc-go before 1.45 and many others serve only v1alpha), as grpcurl does.
 * https://github.com/grpc/grpc/blob/master/doc/server-reflection.md
 */
export class ReflectionClient {
  readonly #channel: Channel;
  readonly #options: CallOptions;
  #version = 0;
  #stream: OpenStream | undefined;

  constructor(channel: Channel, options: CallOptions) {
    this.#channel = channel;
    this.#options = options;
  }

  /** The full names of the services the server lists. */
  async listServices(): Promise<string[]> {
    const response = await this.#ask({ messageRequest: { case: "listServices", value: "*" } });
    if (response.messageResponse.case !== "listServicesResponse") throw unexpected(response, "list_services_response");
    return response.messageResponse.value.service.map((service) => service.name);
  }

  /**
   * The serialized FileDescriptorProtos of the file that defines `symbol`, and (usually) of its
   * dependencies; undefined when the server answers NOT_FOUND.
   */
  async fileContainingSymbol(symbol: string): Promise<Uint8Array[] | undefined> {
    return this.#files({ messageRequest: { case: "fileContainingSymbol", value: symbol } });
  }

  /** The serialized FileDescriptorProtos of the file `name`, and (usually) of its dependencies; undefined when NOT_FOUND. */
  async fileByFilename(name: string): Promise<Uint8Array[] | undefined> {
    return this.#files({ messageRequest: { case: "fileByFilename", value: name } });
  }

  /** Ends the stream (half-close, then cancel whatever is left). */
  close(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream === undefined) return;
    stream.requests.end();
    stream.abort.abort(new GrpcError(Code.Cancelled, "client: the reflection client is done"));
  }

  async #files(request: Request): Promise<Uint8Array[] | undefined> {
    let response: Response;
    try {
      response = await this.#ask(request);
    } catch (error) {
      // The server's answer for a name it does not know; this client never produces the code.
      if (error instanceof GrpcError && error.code === Code.NotFound) return undefined;
      throw error;
    }
    if (response.messageResponse.case === "fileDescriptorResponse") return response.messageResponse.value.fileDescriptorProto;
    throw unexpected(response, "file_descriptor_response");
  }

  /** Sends one request and reads its answer; an error_response becomes a GrpcError with its code. */
  async #ask(request: Request): Promise<Response> {
    for (;;) {
      const stream = this.#open();
      stream.requests.push(request);
      let next: IteratorResult<Response>;
      try {
        next = await stream.responses.next();
      } catch (error) {
        this.close();
        if (!(error instanceof GrpcError) || error.code !== Code.Unimplemented) throw error;
        if (++this.#version < VERSIONS.length) continue;
        throw new CliError(
          `${this.#channel.target} has no reflection service (grpc.reflection.v1 and v1alpha are UNIMPLEMENTED): give the schema with --proto FILE`,
          ExitCode.NoReflection,
          { cause: error },
        );
      }
      if (next.done === true) {
        this.close();
        throw new GrpcError(Code.Internal, "client: the reflection stream ended before answering");
      }
      const response = next.value;
      if (response.messageResponse.case === "errorResponse") {
        const { errorCode, errorMessage } = response.messageResponse.value;
        const code = errorCode >= 1 && errorCode <= 16 ? (errorCode as Code) : Code.Unknown;
        throw new GrpcError(code, errorMessage);
      }
      return response;
    }
  }

  #open(): OpenStream {
    if (this.#stream !== undefined) return this.#stream;
    const service = VERSIONS[this.#version]!;
    const requests = new RequestQueue<Request>();
    const abort = new AbortController();
    const signal = this.#options.signal === undefined ? abort.signal : AbortSignal.any([abort.signal, this.#options.signal]);
    // v1alpha's generated types are v1's under another package name: the same fields and numbers.
    const client = createClient(service as unknown as typeof reflectionV1.ServerReflection, this.#channel);
    const responses = client.serverReflectionInfo(requests, { ...this.#options, signal })[Symbol.asyncIterator]();
    this.#stream = { requests, responses, abort };
    return this.#stream;
  }
}

function unexpected(response: Response, wanted: string): GrpcError {
  return new GrpcError(
    Code.Internal,
    `client: the reflection server answered with ${response.messageResponse.case ?? "nothing"} instead of ${wanted}`,
  );
}
