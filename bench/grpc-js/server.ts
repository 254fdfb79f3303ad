// The @grpc/grpc-js TestService server of the benchmark, with the same handlers as the tsgrpc one
// (bench/tsgrpc/server.ts): EmptyCall, an echoing UnaryCall and the three streaming calls.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTO_INCLUDE_DIR, TEST_PROTO, zeroBody } from "../lib/proto.js";
import { announceListening, portFromArgs } from "../lib/server-process.js";

interface Payload {
  body?: Buffer;
}
interface StreamingOutputCallRequest {
  responseParameters?: { size?: number }[];
}

const definition = protoLoader.loadSync(TEST_PROTO, { includeDirs: [PROTO_INCLUDE_DIR] });
const testing = grpc.loadPackageDefinition(definition) as unknown as {
  grpc: { testing: { TestService: grpc.ServiceClientConstructor } };
};

const handlers: grpc.UntypedServiceImplementation = {
  EmptyCall(_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) {
    callback(null, {});
  },
  UnaryCall(call: grpc.ServerUnaryCall<{ payload?: Payload }, unknown>, callback: grpc.sendUnaryData<unknown>) {
    callback(null, { payload: call.request.payload });
  },
  StreamingOutputCall(call: grpc.ServerWritableStream<StreamingOutputCallRequest, unknown>) {
    for (const parameters of call.request.responseParameters ?? []) call.write({ payload: { body: zeroBody(parameters.size ?? 0) } });
    call.end();
  },
  StreamingInputCall(call: grpc.ServerReadableStream<{ payload?: Payload }, unknown>, callback: grpc.sendUnaryData<unknown>) {
    let total = 0;
    call.on("data", (request: { payload?: Payload }) => (total += request.payload?.body?.length ?? 0));
    call.on("end", () => callback(null, { aggregatedPayloadSize: total }));
  },
  FullDuplexCall(call: grpc.ServerDuplexStream<StreamingOutputCallRequest, unknown>) {
    call.on("data", (request: StreamingOutputCallRequest) => {
      for (const parameters of request.responseParameters ?? []) call.write({ payload: { body: zeroBody(parameters.size ?? 0) } });
    });
    call.on("end", () => call.end());
  },
};

const server = new grpc.Server();
server.addService(testing.grpc.testing.TestService.service, handlers);
server.bindAsync(`127.0.0.1:${portFromArgs()}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  announceListening(port);
});
