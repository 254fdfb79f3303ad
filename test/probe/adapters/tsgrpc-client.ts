/**
 * The tsgrpc adapter of `tsgrpc probe client` (docs/CONFORMANCE.md, "The client contract"): calls
 * /grpc.testing.TestService/UnaryCall on the target (argv[2] or TSGRPC_PROBE_TARGET) with an empty
 * request and a 10 s deadline, and prints `<code> <message as a JSON string>`.
 */
import { Channel, GrpcError, createClient, defineService, rawCodec } from "../../../src/index.js";

const TestService = defineService("grpc.testing.TestService", {
  UnaryCall: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec },
});

const target = process.argv[2] ?? process.env["TSGRPC_PROBE_TARGET"];
if (target === undefined) {
  console.error("usage: tsgrpc-client.js <host:port> (or TSGRPC_PROBE_TARGET)");
  process.exit(2);
}
const channel = new Channel(target);
try {
  await createClient(TestService, channel).UnaryCall(new Uint8Array(0), { timeoutMs: 10_000 });
  console.log(`0 ${JSON.stringify("")}`);
} catch (error) {
  if (!(error instanceof GrpcError)) throw error;
  console.log(`${error.code} ${JSON.stringify(error.statusMessage)}`);
} finally {
  channel.close();
}
