/**
 * The @grpc/grpc-js adapter of `tsgrpc probe client` (docs/CONFORMANCE.md, "The client contract"):
 * calls /grpc.testing.TestService/UnaryCall on the target (argv[2] or TSGRPC_PROBE_TARGET) with an
 * empty request and a 10 s deadline, and prints `<code> <message as a JSON string>`.
 */
import { Client, credentials, type ServiceError } from "@grpc/grpc-js";

const target = process.argv[2] ?? process.env["TSGRPC_PROBE_TARGET"];
if (target === undefined) {
  console.error("usage: grpc-js-client.js <host:port> (or TSGRPC_PROBE_TARGET)");
  process.exit(2);
}
const client = new Client(target, credentials.createInsecure());
const identity = (bytes: Buffer): Buffer => bytes;
client.makeUnaryRequest(
  "/grpc.testing.TestService/UnaryCall",
  identity,
  identity,
  Buffer.alloc(0),
  { deadline: Date.now() + 10_000 },
  (error: ServiceError | null) => {
    console.log(error === null ? `0 ${JSON.stringify("")}` : `${error.code} ${JSON.stringify(error.details)}`);
    client.close();
  },
);
