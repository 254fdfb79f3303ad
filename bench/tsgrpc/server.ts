// The tsgrpc TestService server of the benchmark (bench/run-server execs this): `--port=N`.
import { Server } from "../../src/index.js";
import { announceListening, portFromArgs } from "../lib/server-process.js";
import { loadTestService, testServiceHandlers } from "./test-service.js";

const server = new Server().add(await loadTestService(), testServiceHandlers);
const { port } = await server.listen({ host: "127.0.0.1", port: portFromArgs() });
announceListening(port ?? 0);
