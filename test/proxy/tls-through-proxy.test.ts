// TLS terminated at the proxy: tsgrpc client -(TLS, ALPN h2)-> nginx or haproxy -(h2c)-> two
// tsgrpc backends, with the test CA of interop/certs. The h2c tests cover the rest; these check that
// calls, metadata, status and cancellation come through a TLS front end the same way.
import { expect } from "chai";
import { Metadata } from "../../src/metadata/index.js";
import { Code } from "../../src/status/index.js";
import type { ProxyKind } from "./proxy-process.js";
import { findHandler, proxiedRelay, rejection, requests, waitFor } from "./relay-fixture.js";

for (const kind of ["nginx", "haproxy"] as const satisfies readonly ProxyKind[]) {
  describe(`proxy: tsgrpc client -(TLS)-> ${kind} -(h2c)-> 2 tsgrpc backends`, function () {
    this.timeout(60_000);
    const relay = proxiedRelay(kind, { tls: true });

    it("runs unary and bidi calls over both backends, with metadata both ways", async () => {
      const served = new Set<string>();
      for (let i = 0; i < 10; i++) {
        let trailers: Metadata | undefined;
        const reply = await relay.client.echo(
          { text: "tls" },
          { metadata: new Metadata().set("x-echo-key-bin", new Uint8Array([7, 0, 7])), onTrailers: (m) => (trailers = m) },
        );
        expect(reply.metadata["x-echo-key-bin"]).to.have.length(1);
        expect(trailers!.get("x-tail-bin")).to.deep.equal(new Uint8Array([255, 254, 0]));
        served.add(reply.backend);
      }
      expect([...served].sort()).to.deep.equal(["a", "b"]);
      const replies: string[] = [];
      for await (const reply of relay.client.chat(requests(100, (i) => ({ text: String(i) })))) replies.push(reply.text);
      expect(replies).to.have.length(100);
      expect(replies[99]).to.equal("99");
    });

    it("delivers trailers-only errors and 1.5 MiB messages", async () => {
      const error = await rejection(relay.client.echo({ fail: Code.PermissionDenied, text: "not you: 100%" }));
      expect([error.code, error.statusMessage]).to.deep.equal([Code.PermissionDenied, "not you: 100%"]);
      const payload = "p".repeat(1.5 * 1024 * 1024);
      const reply = await relay.client.echo({ payload, count: payload.length }, { compression: "gzip" });
      expect([reply.received, reply.payload.length]).to.deep.equal([payload.length, payload.length]);
    });

    it("cancellation reaches the backend's handler", async () => {
      const controller = new AbortController();
      const call = relay.client.hang({ id: "tls-cancel" }, { signal: controller.signal });
      const backend = await findHandler(relay.backends, "tls-cancel");
      controller.abort();
      expect((await rejection(call)).code).to.equal(Code.Cancelled);
      await waitFor(() => backend.seen.aborted.has("tls-cancel"), "the backend's handler to be cancelled");
      expect(backend.seen.aborted.get("tls-cancel")).to.equal(Code.Cancelled);
    });
  });
}
