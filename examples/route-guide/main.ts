// `npm run example:route-guide`: starts the RouteGuide server over TLS (the test certificates of
// interop/certs), runs the client's tour against it, then drains the server and exits 0.
// PORT picks the port (default 0: any free port).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runRouteGuideClient } from "./client.js";
import { startRouteGuideServer } from "./server.js";

/** The nearest folder above `start` holding package.json (the project root, from src or dist). */
function projectRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`route-guide: no package.json above ${start}`);
}

const certs = join(projectRoot(dirname(fileURLToPath(import.meta.url))), "interop", "certs");
const tls = { cert: readFileSync(join(certs, "server.pem"), "utf8"), key: readFileSync(join(certs, "server.key"), "utf8") };
const { server, port } = await startRouteGuideServer(Number(process.env.PORT ?? 0), tls);
console.log(`server: RouteGuide listening on 127.0.0.1:${port} (TLS, interop/certs test certificate)`);
try {
  await runRouteGuideClient(`127.0.0.1:${port}`, readFileSync(join(certs, "ca.pem"), "utf8"));
} catch (error) {
  console.error(`client: failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await server.shutdown({ graceMs: 1000 });
  console.log("server: stopped");
}
