// tsgrpc client -> nginx or haproxy (h2c, both sides) -> two tsgrpc backends: every kind of call,
// deadlines, metadata, status, compression, large messages, long streams, cancellation, load
// spread, and the proxy's own errors. Skipped (with the reason) only when the binary is absent.
import { expect } from "chai";
import { type IncomingHttpHeaders, connect, constants } from "node:http2";
import { createClient } from "../../src/client/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { defineService } from "../../src/service/index.js";
import { Code } from "../../src/status/index.js";
import { jsonCodec } from "../e2e/json-messages.js";
import { collect } from "../pipeline/helpers.js";
import type { RelayRequest } from "./backends.js";
import type { ProxyKind } from "./proxy-process.js";
import { findHandler, proxiedRelay, rejection, requests, waitFor } from "./relay-fixture.js";

const MIB = 1024 * 1024;

/** One unary request over a bare node:http2 session: the response headers, and whether they ended the stream. */
async function rawCall(port: number, path: string, request: RelayRequest): Promise<{ headers: IncomingHttpHeaders; endStream: boolean }> {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on("error", () => {}); // the stream's 'close' reports what matters here
  try {
    const body = Buffer.from(JSON.stringify(request));
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(body.length, 1);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
    stream.end(Buffer.concat([prefix, body]));
    stream.resume();
    const response = await new Promise<{ headers: IncomingHttpHeaders; endStream: boolean }>((resolve, reject) => {
      stream.once("response", (headers, flags) => resolve({ headers, endStream: (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 }));
      stream.once("close", () => reject(new Error(`stream closed without a response (RST code ${stream.rstCode})`)));
    });
    await new Promise((resolve) => stream.once("close", resolve));
    return response;
  } finally {
    session.close();
  }
}

/** A service no backend serves. */
const Missing = defineService("test.Missing", { echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec } });

for (const kind of ["nginx", "haproxy"] as const satisfies readonly ProxyKind[]) {
  describe(`proxy: tsgrpc client -> ${kind} -> 2 tsgrpc backends`, function () {
    this.timeout(60_000);
    const relay = proxiedRelay(kind);

    it("runs the four kinds of calls", async () => {
      expect(await relay.client.echo({ text: "u" })).to.include({ text: "u" });
      expect((await collect(relay.client.list({ count: 3 }))).map((reply) => reply.i)).to.deep.equal([0, 1, 2]);
      expect(await relay.client.collect(requests(3, () => ({ payload: "ab" })))).to.include({ count: 3, bytes: 6 });
      const replies = await collect(relay.client.chat(requests(3, (i) => ({ text: `m${i}` }))));
      expect(replies.map((reply) => reply.text)).to.deep.equal(["m0", "m1", "m2"]);
    });

    it("spreads calls over both backends", async () => {
      const served = new Set<string>();
      for (let i = 0; i < 20; i++) served.add((await relay.client.echo({})).backend);
      expect([...served].sort()).to.deep.equal(["a", "b"]);
    });

    it("passes grpc-timeout through to the backend", async () => {
      for (const backend of relay.backends) backend.seen.remainingMs = undefined;
      await relay.client.echo({}, { timeoutMs: 30_000 });
      const remaining = relay.backends.map((backend) => backend.seen.remainingMs).filter((ms) => ms !== undefined);
      expect(remaining).to.not.be.empty;
      for (const ms of remaining) expect(ms).to.be.within(20_000, 30_100);
    });

    it("a deadline that expires at the client is DEADLINE_EXCEEDED, and the backend's handler is aborted", async () => {
      const id = `deadline-${kind}`;
      // Long enough for the call to reach a backend on a loaded machine, which the check below needs.
      const error = await rejection(relay.client.hang({ id }, { timeoutMs: 2000 }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
      const backend = await findHandler(relay.backends, id);
      await waitFor(() => backend.seen.aborted.has(id), "the backend's handler to see the deadline");
      // The backend's own deadline (from grpc-timeout) or the proxy's reset, whichever came first.
      expect([Code.DeadlineExceeded, Code.Cancelled]).to.include(backend.seen.aborted.get(id));
    });

    it("cancellation reaches the backend's handler: its signal aborts", async () => {
      const id = `cancel-${kind}`;
      const controller = new AbortController();
      const call = relay.client.hang({ id }, { signal: controller.signal });
      const backend = await findHandler(relay.backends, id);
      controller.abort();
      expect((await rejection(call)).code).to.equal(Code.Cancelled);
      await waitFor(() => backend.seen.aborted.has(id), "the backend's handler to be cancelled");
      expect(backend.seen.aborted.get(id)).to.equal(Code.Cancelled);
    });

    it("carries metadata both ways: request, response headers and trailers, -bin values too", async () => {
      const metadata = new Metadata().set("x-echo-text", "hello proxy").set("x-echo-bytes-bin", new Uint8Array([9, 0, 255, 10]));
      let headers: Metadata | undefined;
      let trailers: Metadata | undefined;
      const reply = await relay.client.echo(
        {},
        { metadata, onHeaders: (m: Metadata) => (headers = m), onTrailers: (m: Metadata) => (trailers = m) },
      );
      expect(reply.metadata["x-echo-text"]).to.deep.equal(["hello proxy"]);
      expect(headers!.get("x-echo-text")).to.equal("hello proxy");
      expect(headers!.get("x-echo-bytes-bin")).to.deep.equal(new Uint8Array([9, 0, 255, 10]));
      expect(headers!.get("x-head-bin")).to.deep.equal(new Uint8Array([0, 1, 2, 255]));
      expect(headers!.get("x-backend")).to.be.oneOf(["a", "b"]);
      expect(trailers!.get("x-tail")).to.equal("done");
      expect(trailers!.get("x-tail-bin")).to.deep.equal(new Uint8Array([255, 254, 0]));
    });

    it("delivers status codes, messages (percent-encoded) and error metadata of trailers-only errors", async () => {
      const text = "nicht gefunden: 100% \u{1F680}\t\r\n";
      const metadata = new Metadata().set("x-echo-why", "because").set("x-echo-why-bin", new Uint8Array([1, 2, 3]));
      const error = await rejection(relay.client.echo({ fail: Code.NotFound, text }, { metadata }));
      expect([error.code, error.statusMessage]).to.deep.equal([Code.NotFound, text]);
      expect(error.metadata.get("x-echo-why")).to.equal("because");
      expect(error.metadata.get("x-echo-why-bin")).to.deep.equal(new Uint8Array([1, 2, 3]));
      for (const code of [Code.InvalidArgument, Code.PermissionDenied, Code.Unauthenticated, Code.ResourceExhausted, Code.DataLoss])
        expect((await rejection(relay.client.echo({ fail: code, text: "x" }))).code).to.equal(code);
    });

    it("keeps a trailers-only error trailers-only: one HEADERS frame with END_STREAM, status inside", async () => {
      const response = await rawCall(relay.proxy!.port, "/test.Relay/Echo", { fail: Code.NotFound, text: "gone" });
      expect(response.endStream).to.equal(true);
      expect(response.headers).to.include({
        ":status": 200,
        "content-type": "application/grpc",
        "grpc-status": "5",
        "grpc-message": "gone",
      });
    });

    it("a status sent while the client is still sending reaches the client (not CANCELLED)", async () => {
      // The backend ends with trailers-only + RST_STREAM(NO_ERROR); haproxy forwards that reset as
      // RST_STREAM(CANCEL). The status came first and is what the call reports.
      for (let i = 0; i < 20; i++) {
        const never = new Promise<void>(() => {});
        async function* stillSending(): AsyncIterable<RelayRequest> {
          yield { fail: Code.FailedPrecondition, text: `early ${i}` };
          await never;
        }
        const error = await rejection(collect(relay.client.chat(stillSending(), { timeoutMs: 20_000 })));
        expect([error.code, error.statusMessage]).to.deep.equal([Code.FailedPrecondition, `early ${i}`]);
      }
    });

    it("delivers a status after streamed messages (trailers after DATA)", async () => {
      const replies: unknown[] = [];
      const error = await rejection(
        (async () => {
          for await (const reply of relay.client.list({ count: 2, fail: Code.Aborted, text: "after two" })) replies.push(reply);
        })(),
      );
      expect([error.code, error.statusMessage, replies.length]).to.deep.equal([Code.Aborted, "after two", 2]);
    });

    it("an unknown method is UNIMPLEMENTED from the backend", async () => {
      const missing = createClient(Missing, relay.channel!);
      expect((await rejection(missing.echo({}))).code).to.equal(Code.Unimplemented);
    });

    it("compresses both ways: gzip requests arrive compressed, gzip responses decode", async () => {
      const text = "z".repeat(10_000);
      for (let i = 0; i < 2; i++) {
        // Twice, so the request lands on each backend at least once... or one twice: check the one that served it.
        const reply = await relay.client.echo({ text }, { compression: "gzip" });
        expect(reply.text).to.equal(text);
        expect(relay.backends.find((backend) => backend.name === reply.backend)!.seen.requestCompressed).to.equal(true);
      }
    });

    it("carries messages over 1 MiB each way", async () => {
      const payload = "p".repeat(1.5 * MIB);
      const reply = await relay.client.echo({ payload, count: 1.5 * MIB });
      expect([reply.received, reply.payload.length]).to.deep.equal([1.5 * MIB, 1.5 * MIB]);
      expect(await relay.client.collect(requests(3, () => ({ payload })))).to.include({ count: 3, bytes: 4.5 * MIB });
    });

    it("carries long streams: 10,000 messages each way", async function () {
      this.timeout(180_000);
      const listed = await collect(relay.client.list({ count: 10_000 }));
      expect(listed.length).to.equal(10_000);
      expect(listed[9_999].i).to.equal(9_999);
      let count = 0;
      for await (const reply of relay.client.chat(requests(10_000, (i) => ({ text: String(i) })))) {
        expect(reply.text).to.equal(String(count));
        count++;
      }
      expect(count).to.equal(10_000);
      expect(await relay.client.collect(requests(10_000, () => ({ payload: "x" })))).to.include({ count: 10_000, bytes: 10_000 });
    });

    // Last: it stops the backends.
    it("maps the proxy's own error to UNAVAILABLE when every backend is down (nginx 502, haproxy 503)", async () => {
      await Promise.all(relay.backends.map((backend) => backend.server.forceShutdown()));
      const error = await rejection(relay.client.echo({}));
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(kind === "nginx" ? /\b502\b/ : /\b503\b/);
    });
  });
}
