// What the through-proxy tests share: a tsgrpc client -> nginx or haproxy -> two Relay backends
// set up for a describe block, and the small waits and collectors their tests use.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Channel, createClient } from "../../src/client/index.js";
import type { GrpcError } from "../../src/status/index.js";
import { grpcErrorOf } from "../pipeline/helpers.js";
import { type Backend, Relay, type RelayRequest, startBackend } from "./backends.js";
import { CERTS, type ProxyKind, type RunningProxy, proxyBinary, startProxy } from "./proxy-process.js";

/** The GrpcError a promise rejects with (fails the test when it resolves or rejects with something else). */
export function rejection(promise: Promise<unknown>): Promise<GrpcError> {
  return grpcErrorOf(() => promise);
}

/** `count` Relay requests, the i-th made by `make(i)`. */
export async function* requests(count: number, make: (i: number) => RelayRequest): AsyncIterable<RelayRequest> {
  for (let i = 0; i < count; i++) yield make(i);
}

/** Waits until `condition` holds; throws "timed out waiting for `what`" after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > stopAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The backend whose `hang` handler started the call `id`, once one has. */
export async function findHandler(backends: readonly Backend[], id: string): Promise<Backend> {
  await waitFor(() => backends.some((backend) => backend.seen.started.has(id)), `the call ${id} to reach a backend`);
  return backends.find((backend) => backend.seen.started.has(id))!;
}

/** A Relay client through the proxy, and what stands behind it; set in the describe block's before(). */
export interface ProxiedRelay {
  backends: Backend[];
  proxy: RunningProxy | undefined;
  channel: Channel | undefined;
  client: ReturnType<typeof createClient<typeof Relay>>;
}

/**
 * Adds hooks to the current describe block: before() starts two backends ("a" and "b"), `kind` in
 * front of them (terminating TLS with interop/certs when `tls`) and a client, or skips the block
 * with the reason when the proxy is not installed; after() stops them all; a failing test gets
 * the proxy's log in its message.
 */
export function proxiedRelay(kind: ProxyKind, options: { tls?: boolean } = {}): ProxiedRelay {
  const relay: ProxiedRelay = { backends: [], proxy: undefined, channel: undefined, client: undefined as never };
  before(async function () {
    if (!proxyBinary(kind)) {
      this.test!.parent!.title += ` [SKIP: ${kind} is not installed; .ci/run installs it]`;
      return this.skip();
    }
    relay.backends = [await startBackend("a"), await startBackend("b")];
    relay.proxy = await startProxy(
      kind,
      relay.backends.map((backend) => `127.0.0.1:${backend.port}`),
      options.tls === true ? { tls: true } : {},
    );
    relay.channel = new Channel(
      `127.0.0.1:${relay.proxy.port}`,
      options.tls === true ? { tls: { ca: readFileSync(join(CERTS, "ca.pem"), "utf8"), serverNameOverride: "localhost" } } : {},
    );
    relay.client = createClient(Relay, relay.channel);
  });

  after(async () => {
    relay.channel?.close();
    await relay.proxy?.stop();
    await Promise.all(relay.backends.map((backend) => backend.server.forceShutdown()));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && relay.proxy)
      this.currentTest.err!.message += `\n${kind} log:\n${relay.proxy.log().slice(-3000)}`;
  });
  return relay;
}
