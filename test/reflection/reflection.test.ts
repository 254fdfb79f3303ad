// Server reflection (grpc.reflection.v1 and v1alpha) over a real server: every request type, the
// errors as error_response on a stream that stays open, dependency files once per stream, and
// services from generated code, from loadService and defined by hand.
import { expect } from "chai";
import { join } from "node:path";
import { Channel, Code, Server, createClient, defineService, loadService } from "../../src/index.js";
import { addReflection, reflectionV1, reflectionV1alpha } from "../../src/reflection/index.js";
import * as wkt from "../../src/wkt/index.js";
import { Greeter } from "../../examples/helloworld/greeter_pb.js";
import { Shop } from "../gen/golden/demo/v1/shapes_pb.js";
import { projectRoot } from "../project-root.js";

type Request = reflectionV1.ServerReflectionRequestInput;
type Response = reflectionV1.ServerReflectionResponse;

/** One ServerReflectionInfo stream: ask a request, get its response, on the same stream. */
class Session {
  readonly #pending: Request[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #responses: AsyncIterator<Response>;

  constructor(client: ReturnType<typeof createClient<typeof reflectionV1.ServerReflection>>) {
    const self = this;
    async function* requests(): AsyncGenerator<Request> {
      for (;;) {
        const next = self.#pending.shift();
        if (next !== undefined) yield next;
        else if (self.#closed) return;
        else await new Promise<void>((resolve) => (self.#wake = resolve));
      }
    }
    this.#responses = client.serverReflectionInfo(requests())[Symbol.asyncIterator]();
  }

  async ask(request: Request): Promise<Response> {
    this.#pending.push(request);
    this.#wake?.();
    const next = await this.#responses.next();
    if (next.done) throw new Error("the reflection stream ended");
    return next.value;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#responses.return?.();
  }
}

function fileNames(response: Response): string[] {
  expect(response.messageResponse.case, JSON.stringify(response.messageResponse)).to.equal("fileDescriptorResponse");
  const value = response.messageResponse.value as reflectionV1.FileDescriptorResponse;
  return value.fileDescriptorProto.map((bytes) => wkt.FileDescriptorProto.decode(bytes).name ?? "");
}

function errorOf(response: Response): { errorCode: number; errorMessage: string } {
  expect(response.messageResponse.case, JSON.stringify(response.messageResponse)).to.equal("errorResponse");
  return response.messageResponse.value as reflectionV1.ErrorResponse;
}

const Manual = defineService("manual.v1.ByHand", {
  ping: {
    kind: "unary",
    requestCodec: { encode: () => new Uint8Array(), decode: () => ({}) },
    responseCodec: { encode: () => new Uint8Array(), decode: () => ({}) },
  },
});

describe("reflection: ServerReflectionInfo", function () {
  this.timeout(20_000);
  let server: Server;
  let channel: Channel;
  let session: Session;

  beforeEach(async () => {
    server = new Server();
    addReflection(server);
    server.add(Greeter, { sayHello: (request) => ({ message: request.name }) });
    server.add(Shop, {
      getItem: () => ({}),
      listItems: () => [],
      upload: () => ({}),
      chat: () => [],
    });
    const dir = join(projectRoot(), "test/reflection/protos");
    server.add(await loadService(join(dir, "ext.proto"), "ext.v1.Things", { includeDirs: [dir] }), { get: () => ({}) });
    server.add(Manual, { ping: () => ({}) });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    channel = new Channel(`127.0.0.1:${port}`);
    session = new Session(createClient(reflectionV1.ServerReflection, channel));
  });

  afterEach(async () => {
    await session.close();
    channel.close();
    await server.forceShutdown();
  });

  it("list_services names every registered service, also those added later", async () => {
    const list = async () => {
      const response = await session.ask({ host: "h", messageRequest: { case: "listServices", value: "*" } });
      expect(response.validHost).to.equal("h");
      expect(response.originalRequest?.messageRequest).to.deep.equal({ case: "listServices", value: "*" });
      expect(response.messageResponse.case).to.equal("listServicesResponse");
      return (response.messageResponse.value as reflectionV1.ListServiceResponse).service.map((service) => service.name);
    };
    expect(await list()).to.deep.equal([
      "demo.v1.Shop",
      "ext.v1.Things",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "helloworld.Greeter",
      "manual.v1.ByHand",
    ]);
    server.add(defineService("late.Added", {}), {});
    expect(await list()).to.include("late.Added");
  });

  it("file_by_filename: the file, then its imports; a file already sent on the stream is not sent again", async () => {
    const first = await session.ask({ messageRequest: { case: "fileByFilename", value: "demo/v1/shapes.proto" } });
    expect(fileNames(first)).to.deep.equal(["demo/v1/shapes.proto", "google/protobuf/timestamp.proto", "google/protobuf/duration.proto"]);
    const again = await session.ask({ messageRequest: { case: "fileByFilename", value: "demo/v1/shapes.proto" } });
    expect(fileNames(again)).to.deep.equal(["demo/v1/shapes.proto"]);
    // The requested file itself always comes, even when sent before as a dependency.
    const timestamp = await session.ask({ messageRequest: { case: "fileByFilename", value: "google/protobuf/timestamp.proto" } });
    expect(fileNames(timestamp)).to.deep.equal(["google/protobuf/timestamp.proto"]);
    // A new stream starts afresh.
    const other = new Session(createClient(reflectionV1.ServerReflection, channel));
    try {
      const fresh = await other.ask({ messageRequest: { case: "fileByFilename", value: "demo/v1/shapes.proto" } });
      expect(fileNames(fresh)).to.have.length(3);
    } finally {
      await other.close();
    }
  });

  it("file_containing_symbol: services, methods, messages, nested types, enums, enum values, fields", async () => {
    const cases: [string, string][] = [
      ["helloworld.Greeter", "greeter.proto"],
      ["helloworld.Greeter.SayHello", "greeter.proto"],
      ["helloworld.HelloRequest", "greeter.proto"],
      [".demo.v1.Shop", "demo/v1/shapes.proto"],
      ["ext.v1.Base.Inner", "ext.proto"],
      ["ext.v1.Base.Kind", "ext.proto"],
      ["ext.v1.Base.KIND_ROUND", "ext.proto"],
      ["ext.v1.Plain.inner", "ext.proto"],
      ["ext.v1.weight", "ext.proto"],
      ["ext.v1.Things.Get", "ext.proto"],
      ["google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
      ["grpc.reflection.v1.ServerReflectionRequest", "grpc/reflection/v1/reflection.proto"],
    ];
    for (const [symbol, file] of cases) {
      const response = await session.ask({ messageRequest: { case: "fileContainingSymbol", value: symbol } });
      expect(fileNames(response)[0], symbol).to.equal(file);
    }
  });

  it("unknown names are NOT_FOUND error_responses and the stream stays open", async () => {
    const unknownFile = errorOf(await session.ask({ messageRequest: { case: "fileByFilename", value: "nope.proto" } }));
    expect(unknownFile).to.deep.equal({ errorCode: Code.NotFound, errorMessage: 'reflection: no file "nope.proto"' });
    const unknownSymbol = errorOf(await session.ask({ messageRequest: { case: "fileContainingSymbol", value: "helloworld.Nope" } }));
    expect(unknownSymbol).to.deep.equal({ errorCode: Code.NotFound, errorMessage: 'reflection: no symbol "helloworld.Nope"' });
    const none = errorOf(await session.ask({}));
    expect(none.errorCode).to.equal(Code.InvalidArgument);
    const after = await session.ask({ messageRequest: { case: "fileContainingSymbol", value: "helloworld.Greeter" } });
    expect(fileNames(after)).to.deep.equal(["greeter.proto"]);
  });

  it("a service defined by hand is listed, and its symbols are NOT_FOUND saying it has no descriptor", async () => {
    for (const symbol of ["manual.v1.ByHand", "manual.v1.ByHand.Ping"]) {
      const error = errorOf(await session.ask({ messageRequest: { case: "fileContainingSymbol", value: symbol } }));
      expect(error.errorCode).to.equal(Code.NotFound);
      expect(error.errorMessage).to.match(/^reflection: service manual\.v1\.ByHand has no descriptor: it was defined by hand/);
    }
  });

  it("file_containing_extension and all_extension_numbers_of_type", async () => {
    const byNumber = await session.ask({
      messageRequest: { case: "fileContainingExtension", value: { containingType: "ext.v1.Base", extensionNumber: 150 } },
    });
    expect(fileNames(byNumber)).to.deep.equal(["ext.proto", "google/protobuf/timestamp.proto"]);
    const file = wkt.FileDescriptorProto.decode(
      (byNumber.messageResponse.value as reflectionV1.FileDescriptorResponse).fileDescriptorProto[0]!,
    );
    expect(file.extension.map((extension) => [extension.name, extension.number, extension.extendee])).to.deep.equal([
      ["weight", 100, ".ext.v1.Base"],
      ["label", 150, ".ext.v1.Base"],
    ]);
    const missing = errorOf(
      await session.ask({
        messageRequest: { case: "fileContainingExtension", value: { containingType: "ext.v1.Base", extensionNumber: 120 } },
      }),
    );
    expect(missing).to.deep.equal({ errorCode: Code.NotFound, errorMessage: "reflection: no extension 120 of ext.v1.Base" });
    const unknownType = errorOf(
      await session.ask({
        messageRequest: { case: "fileContainingExtension", value: { containingType: "ext.v1.Nope", extensionNumber: 1 } },
      }),
    );
    expect(unknownType.errorCode).to.equal(Code.NotFound);

    const numbers = await session.ask({ messageRequest: { case: "allExtensionNumbersOfType", value: "ext.v1.Base" } });
    expect(numbers.messageResponse).to.deep.equal({
      case: "allExtensionNumbersResponse",
      value: { baseTypeName: "ext.v1.Base", extensionNumber: [100, 150] },
    });
    const none = await session.ask({ messageRequest: { case: "allExtensionNumbersOfType", value: "helloworld.HelloRequest" } });
    expect(none.messageResponse).to.deep.equal({
      case: "allExtensionNumbersResponse",
      value: { baseTypeName: "helloworld.HelloRequest", extensionNumber: [] },
    });
    const unknown = errorOf(await session.ask({ messageRequest: { case: "allExtensionNumbersOfType", value: "no.Such" } }));
    expect(unknown).to.deep.equal({ errorCode: Code.NotFound, errorMessage: 'reflection: no message type "no.Such"' });
  });

  it("v1alpha answers the same from the same handler", async () => {
    const client = createClient(reflectionV1alpha.ServerReflection, channel);
    async function* one(): AsyncGenerator<reflectionV1alpha.ServerReflectionRequestInput> {
      yield { messageRequest: { case: "fileContainingSymbol", value: "helloworld.Greeter" } };
    }
    const responses: reflectionV1alpha.ServerReflectionResponse[] = [];
    for await (const response of client.serverReflectionInfo(one())) responses.push(response);
    expect(responses).to.have.length(1);
    expect(responses[0]!.messageResponse.case).to.equal("fileDescriptorResponse");
  });
});
