// What a proxy's defaults do to gRPC, shown by putting each default back into the recipe: the
// reasons behind the lines of docs/PROXIES.md, and what our client reports when they bite.
import { expect } from "chai";
import { Channel, createClient } from "../../src/client/index.js";
import { Code } from "../../src/status/index.js";
import { type Backend, Relay, startBackend } from "./backends.js";
import { type ProxyKind, type RunningProxy, proxyBinary, startProxy } from "./proxy-process.js";
import { rejection } from "./relay-fixture.js";

/** Replaces `from` with `to` in a config, failing loudly when the template no longer has `from`. */
function replacing(from: string, to: string): (config: string) => string {
  return (config) => {
    expect(config).to.include(from);
    return config.replace(from, to);
  };
}

describe("proxy quirks: the defaults the recipes change, and what the client sees", function () {
  this.timeout(30_000);
  let backends: Backend[] = [];
  let proxy: RunningProxy | undefined;
  let channel: Channel | undefined;

  beforeEach(async () => {
    backends = [await startBackend("a"), await startBackend("b")];
  });

  afterEach(async () => {
    channel?.close();
    await proxy?.stop();
    await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
    channel = undefined;
    proxy = undefined;
  });

  async function through(kind: ProxyKind, context: Mocha.Context, edit: (config: string) => string) {
    if (!proxyBinary(kind)) {
      context.test!.title += ` [SKIP: ${kind} is not installed]`;
      context.skip();
    }
    proxy = await startProxy(
      kind,
      backends.map((backend) => `127.0.0.1:${backend.port}`),
      { edit },
    );
    channel = new Channel(`127.0.0.1:${proxy.port}`);
    return createClient(Relay, channel);
  }

  it("nginx's default client_max_body_size (1m) fails a request stream over 1 MiB in total: HTTP 413, UNKNOWN", async function () {
    const client = await through("nginx", this, replacing("client_max_body_size 0;", "client_max_body_size 1m;"));
    async function* chunks() {
      for (let i = 0; i < 3; i++) yield { payload: "x".repeat(500_000) };
    }
    const error = await rejection(client.collect(chunks()));
    expect(error.code).to.equal(Code.Unknown); // http-grpc-status-mapping.md has no row for 413
    expect(error.statusMessage).to.match(/\b413\b/);
  });

  for (const [kind, from, to] of [
    ["nginx", "grpc_read_timeout 1h;", "grpc_read_timeout 1s;"],
    ["haproxy", "timeout server 1h", "timeout server 1s"],
  ] as const)
    it(`${kind}: a call quieter than its "${from.replace(/ 1h;?$/, "")}" ends UNAVAILABLE (HTTP 504), and the backend's handler is cancelled`, async function () {
      const client = await through(kind, this, replacing(from, to));
      const error = await rejection(client.hang({ id: "quiet" }, { timeoutMs: 20_000 }));
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(/\b504\b/);
      const stopAt = Date.now() + 10_000;
      while (!backends.some((backend) => backend.seen.aborted.has("quiet"))) {
        if (Date.now() > stopAt) throw new Error("the backend's handler was never cancelled");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
});
