// TLS terminated at the proxy: tsgrpc client -(TLS, ALPN h2)-> nginx or haproxy -(h2c)-> two
// tsgrpc backends, with the test CA of interop/certs. The h2c tests cover the rest; these check that
// calls, metadata, status and cancellation come through a TLS front end the same way.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Channel, createClient } from "../../src/client/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { type Backend, Relay, type RelayRequest, startBackend } from "./backends.js";
import { CERTS, type ProxyKind, type RunningProxy, proxyBinary, startProxy } from "./proxy-process.js";

async function rejection(promise: Promise<unknown>): Promise<GrpcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("expected the call to fail");
}

async function* requests(count: number, make: (i: number) => RelayRequest): AsyncIterable<RelayRequest> {
  for (let i = 0; i < count; i++) yield make(i);
}

for (const kind of ["nginx", "haproxy"] as const satisfies readonly ProxyKind[]) {
  describe(`proxy: tsgrpc client -(TLS)-> ${kind} -(h2c)-> 2 tsgrpc backends`, function () {
    this.timeout(60_000);
    let backends: Backend[] = [];
    let proxy: RunningProxy | undefined;
    let channel: Channel | undefined;
    let client: ReturnType<typeof createClient<typeof Relay>>;

    before(async function () {
      if (!proxyBinary(kind)) {
        this.test!.parent!.title += ` [SKIP: ${kind} is not installed; .ci/run installs it]`;
        return this.skip();
      }
      backends = [await startBackend("a"), await startBackend("b")];
      proxy = await startProxy(
        kind,
        backends.map((backend) => `127.0.0.1:${backend.port}`),
        { tls: true },
      );
      channel = new Channel(`127.0.0.1:${proxy.port}`, {
        tls: { ca: readFileSync(join(CERTS, "ca.pem"), "utf8"), serverNameOverride: "localhost" },
      });
      client = createClient(Relay, channel);
    });

    after(async () => {
      channel?.close();
      await proxy?.stop();
      await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed" && proxy) this.currentTest.err!.message += `\n${kind} log:\n${proxy.log().slice(-3000)}`;
    });

    it("runs unary and bidi calls over both backends, with metadata both ways", async () => {
      const served = new Set<string>();
      for (let i = 0; i < 10; i++) {
        let trailers: Metadata | undefined;
        const reply = await client.echo(
          { text: "tls" },
          { metadata: new Metadata().set("x-echo-key-bin", new Uint8Array([7, 0, 7])), onTrailers: (m) => (trailers = m) },
        );
        expect(reply.metadata["x-echo-key-bin"]).to.have.length(1);
        expect(trailers!.get("x-tail-bin")).to.deep.equal(new Uint8Array([255, 254, 0]));
        served.add(reply.backend);
      }
      expect([...served].sort()).to.deep.equal(["a", "b"]);
      const replies: string[] = [];
      for await (const reply of client.chat(requests(100, (i) => ({ text: String(i) })))) replies.push(reply.text);
      expect(replies).to.have.length(100);
      expect(replies[99]).to.equal("99");
    });

    it("delivers trailers-only errors and 1.5 MiB messages", async () => {
      const error = await rejection(client.echo({ fail: Code.PermissionDenied, text: "not you: 100%" }));
      expect([error.code, error.statusMessage]).to.deep.equal([Code.PermissionDenied, "not you: 100%"]);
      const payload = "p".repeat(1.5 * 1024 * 1024);
      const reply = await client.echo({ payload, count: payload.length }, { compression: "gzip" });
      expect([reply.received, reply.payload.length]).to.deep.equal([payload.length, payload.length]);
    });

    it("cancellation reaches the backend's handler", async () => {
      const controller = new AbortController();
      const call = client.hang({ id: "tls-cancel" }, { signal: controller.signal });
      const stopAt = Date.now() + 10_000;
      const reached = () => backends.find((backend) => backend.seen.started.has("tls-cancel"));
      while (!reached()) {
        if (Date.now() > stopAt) throw new Error("the call never reached a backend");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      controller.abort();
      expect((await rejection(call)).code).to.equal(Code.Cancelled);
      while (!reached()!.seen.aborted.has("tls-cancel")) {
        if (Date.now() > stopAt) throw new Error("the backend's handler was never cancelled");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(reached()!.seen.aborted.get("tls-cancel")).to.equal(Code.Cancelled);
    });
  });
}
