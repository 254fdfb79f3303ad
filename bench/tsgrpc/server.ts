// The tsgrpc TestService server of the benchmark (bench/run-server execs this): `--port=N`.
// BENCH_TSGRPC_WEB=1 serves with the web gateway on (`web: {}`), to measure what its presence costs gRPC calls.
import { Server } from "../../src/index.js";
import { announceListening, portFromArgs } from "../lib/server-process.js";
import { loadTestService, testServiceHandlers } from "./test-service.js";

const server = new Server(process.env.BENCH_TSGRPC_WEB === "1" ? { web: {} } : {}).add(await loadTestService(), testServiceHandlers);
const { port } = await server.listen({ host: "127.0.0.1", port: portFromArgs() });
announceListening(port ?? 0);
