// The @grpc/grpc-js benchmark client: the same calls as bench/tsgrpc/client.ts, through grpc-js.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { runClientMain, type BenchClient, type PingPong } from "../lib/client-driver.js";
import { PROTO_INCLUDE_DIR, TEST_PROTO, zeroBody } from "../lib/proto.js";

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type TestServiceClient = grpc.Client & {
  EmptyCall(request: object, callback: Callback): grpc.ClientUnaryCall;
  UnaryCall(request: object, callback: Callback): grpc.ClientUnaryCall;
  StreamingOutputCall(request: object): grpc.ClientReadableStream<unknown>;
  StreamingInputCall(callback: Callback): grpc.ClientWritableStream<unknown>;
  FullDuplexCall(): grpc.ClientDuplexStream<unknown, unknown>;
};

const definition = protoLoader.loadSync(TEST_PROTO, { includeDirs: [PROTO_INCLUDE_DIR] });
const testing = grpc.loadPackageDefinition(definition) as unknown as {
  grpc: { testing: { TestService: new (target: string, credentials: grpc.ChannelCredentials) => TestServiceClient } };
};

function settle(resolve: () => void, reject: (error: unknown) => void): Callback {
  return (error) => (error ? reject(error) : resolve());
}

class GrpcJsClient implements BenchClient {
  private readonly client: TestServiceClient;
  private readonly unaryRequests = new Map<number, object>();

  constructor(target: string) {
    this.client = new testing.grpc.testing.TestService(target, grpc.credentials.createInsecure());
  }

  emptyCall(): Promise<void> {
    return new Promise((resolve, reject) => void this.client.EmptyCall({}, settle(resolve, reject)));
  }

  unaryCall(size: number): Promise<void> {
    let request = this.unaryRequests.get(size);
    if (request === undefined) this.unaryRequests.set(size, (request = { payload: { body: zeroBody(size) } }));
    return new Promise((resolve, reject) => void this.client.UnaryCall(request!, settle(resolve, reject)));
  }

  serverStream(count: number): Promise<number> {
    const request = { responseParameters: Array.from({ length: count }, () => ({ size: 1024 })) };
    return new Promise((resolve, reject) => {
      let received = 0;
      const call = this.client.StreamingOutputCall(request);
      call.on("data", () => received++);
      call.on("error", reject);
      call.on("end", () => resolve(received));
    });
  }

  clientStream(count: number): Promise<void> {
    const request = { payload: { body: zeroBody(1024) } };
    return new Promise((resolve, reject) => {
      const call = this.client.StreamingInputCall(settle(resolve, reject));
      for (let i = 0; i < count; i++) call.write(request);
      call.end();
    });
  }

  bidiStream(count: number): Promise<number> {
    const request = { responseParameters: [{ size: 1024 }] };
    return new Promise((resolve, reject) => {
      let received = 0;
      const call = this.client.FullDuplexCall();
      call.on("data", () => received++);
      call.on("error", reject);
      call.on("end", () => resolve(received));
      for (let i = 0; i < count; i++) call.write(request);
      call.end();
    });
  }

  async openPingPong(size: number): Promise<PingPong> {
    const request = { responseParameters: [{ size }], payload: { body: zeroBody(size) } };
    const call = this.client.FullDuplexCall();
    let answered: (() => void) | undefined;
    call.on("data", () => answered?.());
    const ended = new Promise<void>((resolve, reject) => {
      call.on("error", reject);
      call.on("end", resolve);
    });
    return {
      roundTrip: () =>
        new Promise<void>((resolve) => {
          answered = resolve;
          call.write(request);
        }),
      close: () => {
        call.end();
        return ended;
      },
    };
  }

  close(): void {
    this.client.close();
  }
}

await runClientMain("grpc-js", (target) => new GrpcJsClient(target));
