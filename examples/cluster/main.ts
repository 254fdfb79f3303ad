// Many cores: one tsgrpc Server per CPU core, all on one port, with node:cluster.
//
//   node dist/examples/cluster/main.js            # WORKERS (default: the number of cores), HOST, PORT (default 50051; 0 picks one)
//
// The primary forks the workers and accepts connections on the port; it hands each new connection
// to a worker in turn (round-robin). A connection stays with its worker: every call on it is served
// there. SIGTERM or SIGINT to the primary drains every worker (GOAWAY, calls in flight finish within
// GRACE_MS, default 5000), then the primary exits 0. A worker that dies is replaced.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { Server } from "../../src/index.js";
import { Whoami, whoamiImplementation } from "./whoami-service.js";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 50051);
const graceMs = Number(process.env.GRACE_MS ?? 5000);

if (cluster.isPrimary) await runPrimary(Number(process.env.WORKERS ?? availableParallelism()));
else await runWorker(cluster.worker!.id);

/** Forks the workers, reports when all listen, replaces a worker that dies, drains them all on SIGTERM/SIGINT. */
async function runPrimary(workerCount: number): Promise<void> {
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  cluster.on("listening", (worker: Worker, address) => {
    listening.add(worker.id);
    if (listening.size === workerCount && !announced) {
      announced = true;
      console.log(`cluster: ${workerCount} workers listening on ${host}:${address.port} (primary pid ${process.pid})`);
    } else if (announced) console.log(`cluster: worker ${worker.id} (pid ${worker.process.pid}) listening in place of the one that died`);
  });
  cluster.on("exit", (worker, code, signal) => {
    const hadListened = listening.delete(worker.id);
    if (!stopping && !hadListened) {
      // It never got the port (in use, not allowed): forking again would fail the same way.
      console.error(`cluster: worker ${worker.id} exited (${signal ?? code}) before listening; stopping`);
      process.exitCode = 1;
      stop("SIGTERM");
    } else if (!stopping) {
      console.error(`cluster: worker ${worker.id} (pid ${worker.process.pid}) died (${signal ?? code}), forking a new one`);
      cluster.fork();
    }
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) {
      console.log("cluster: every worker drained, primary exiting");
      process.exit();
    }
  });
  function stop(signal: NodeJS.Signals): void {
    if (stopping) return;
    stopping = true;
    console.log(`cluster: ${signal}, draining ${Object.keys(cluster.workers ?? {}).length} workers`);
    // Each worker drains its own connections (GOAWAY, then the grace period); the primary only waits.
    // Not worker.kill() or worker.disconnect(): they close the worker's server and wait for its
    // connections to end by themselves, with no GOAWAY to tell the clients.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  for (let i = 0; i < workerCount; i++) cluster.fork();
}

/** One worker: a Server on the shared port, drained on SIGTERM/SIGINT. */
async function runWorker(workerId: number): Promise<void> {
  const server = new Server().add(Whoami, whoamiImplementation(workerId));
  // In a worker, listen() asks the primary for the port; with port 0 every worker gets the same one.
  try {
    await server.listen({ host, port });
  } catch (error) {
    console.error(`cluster: worker ${workerId} cannot listen on ${host}:${port}: ${(error as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (): void => {
    // A terminal's Ctrl-C reaches the primary and the workers alike; drain once.
    if (stopping) return;
    stopping = true;
    void server.shutdown({ graceMs }).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
