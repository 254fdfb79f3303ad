// onShutdown hooks: shutdown() waits for them (health drains first); forceShutdown() starts them
// but never waits for them, so a slow hook (health's NOT_SERVING flush waits up to 1 s) cannot
// delay a forced shutdown.
import { expect } from "chai";
import { Channel, Server, createClient } from "../../src/index.js";
import { addHealth, healthV1 } from "../../src/health/index.js";

/** A logger that keeps what reached error(). */
function recordingLogger() {
  const errors: unknown[][] = [];
  const ignore = (): void => {};
  return { errors, logger: { error: (...args: unknown[]) => errors.push(args), warn: ignore, info: ignore, debug: ignore } };
}

describe("server: onShutdown hooks", () => {
  it("forceShutdown starts a slow hook but resolves without waiting for it", async () => {
    const server = new Server();
    await server.listen({ host: "127.0.0.1", port: 0 });
    let started = false;
    let finish: (() => void) | undefined;
    server.onShutdown(() => {
      started = true;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    const before = performance.now();
    await server.forceShutdown();
    expect(started, "the hook's synchronous part runs before the shutdown resolves").to.equal(true);
    // The hook never resolves on its own: waiting for it would time the test out.
    expect(performance.now() - before).to.be.below(5_000);
    finish?.();
  });

  it("forceShutdown logs a hook that rejects or throws, and still resolves", async () => {
    const { errors, logger } = recordingLogger();
    const server = new Server({ logger });
    await server.listen({ host: "127.0.0.1", port: 0 });
    server.onShutdown(() => Promise.reject(new Error("rejected hook")));
    server.onShutdown(() => {
      throw new Error("throwing hook");
    });
    await server.forceShutdown();
    await new Promise((resolve) => setImmediate(resolve));
    const failures = errors.map((args) => `${args[0]} ${(args[1] as Error).message}`).sort();
    expect(failures).to.deep.equal(["server: a shutdown hook failed rejected hook", "server: a shutdown hook failed throwing hook"]);
  });

  it("shutdown waits for a hook before closing", async () => {
    const server = new Server();
    await server.listen({ host: "127.0.0.1", port: 0 });
    let hookDone = false;
    server.onShutdown(
      () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            hookDone = true;
            resolve();
          }, 200),
        ),
    );
    await server.shutdown();
    expect(hookDone).to.equal(true);
  });

  it("forceShutdown with the health service and an open Watch: every status is NOT_SERVING when it resolves", async () => {
    const server = new Server();
    const health = addHealth(server);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const channel = new Channel(`127.0.0.1:${port}`);
    try {
      const watch = createClient(healthV1.Health, channel).watch({ service: "" });
      const iterator = watch[Symbol.asyncIterator]();
      expect((await iterator.next()).value).to.deep.include({ status: healthV1.HealthCheckResponse_ServingStatus.SERVING });
      await server.forceShutdown();
      expect(health.get("")).to.equal("NOT_SERVING");
      await iterator.return?.();
    } finally {
      channel.close();
    }
  });
});
