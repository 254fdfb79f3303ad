// Certificate rotation: Server.setTls swaps the certificate for new connections while open
// connections and their calls carry on.
import { expect } from "chai";
import { connect as tlsConnect } from "node:tls";
import { Channel, createClient, Server, type ServerContext } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { cert, clientTls, serverTls, startProbe } from "./tls-fixtures.js";

/** The organisation (O) of the certificate a fresh TLS connection to `port` is shown. */
function servedOrganisation(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ca: cert("ca.pem"), ALPNProtocols: ["h2"] }, () => {
      const subject = socket.getPeerCertificate().subject;
      socket.destroy();
      resolve(String(subject.O));
    });
    socket.once("error", reject);
  });
}

const implementation = {
  async echo(request: { text?: string }, ctx: ServerContext) {
    return { text: request.text, peer: ctx.peer };
  },
  async *chat(requests: AsyncIterable<{ text: string }>, ctx: ServerContext) {
    for await (const request of requests) yield { text: request.text, peer: ctx.peer };
  },
};

/** A request stream the test feeds one message at a time. */
function feed<T>(): { requests: AsyncIterable<T>; push(value: T): void; end(): void } {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    requests: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (queue.length > 0) yield queue.shift()!;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    push(value) {
      queue.push(value);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

describe("auth: TLS certificate rotation (Server.setTls)", () => {
  it("serves the new certificate to new connections without disturbing open ones", async () => {
    const { server, port } = await startProbe(implementation, serverTls({ requireClientCertificate: true }));
    const old = new Channel(`127.0.0.1:${port}`, { tls: { ...clientTls("client"), serverNameOverride: "localhost" } });
    const fresh = new Channel(`127.0.0.1:${port}`, { tls: { ...clientTls("client"), serverNameOverride: "localhost" } });
    try {
      const oldClient = createClient(Probe, old);
      expect(await servedOrganisation(port)).to.equal("tsgrpc tests");
      const before = await oldClient.echo!({ text: "before" });
      const stream = feed<{ text: string }>();
      const responses = (oldClient.chat!(stream.requests) as AsyncIterable<{ text: string; peer: string }>)[Symbol.asyncIterator]();
      stream.push({ text: "one" });
      expect((await responses.next()).value.text).to.equal("one");

      server.setTls({ cert: cert("server-next.pem"), key: cert("server-next.key"), ca: cert("ca.pem") });

      expect(await servedOrganisation(port)).to.equal("tsgrpc tests, rotated");
      // The open stream and the open connection carry on: same client port, no reconnect.
      stream.push({ text: "two" });
      const two = (await responses.next()).value;
      expect(two).to.deep.equal({ text: "two", peer: before.peer });
      expect(await oldClient.echo!({ text: "after" })).to.deep.equal({ text: "after", peer: before.peer });
      stream.end();
      expect((await responses.next()).done).to.equal(true);
      // A new channel connects with the new certificate, client certificates still required.
      expect((await createClient(Probe, fresh).echo!({ text: "new" }, { timeoutMs: 10_000 })).text).to.equal("new");
    } finally {
      old.close();
      fresh.close();
      await server.forceShutdown();
    }
  });

  it("refuses a key that does not match, changing nothing", async () => {
    const { server, port } = await startProbe(implementation, serverTls());
    try {
      expect(() => server.setTls({ cert: cert("server-next.pem"), key: cert("server.key") }))
        .to.throw(TypeError)
        .with.property("message")
        .that.matches(/^server: setTls: node refused/);
      expect(() => server.setTls({ cert: "not a certificate", key: "not a key" })).to.throw(TypeError);
      expect(await servedOrganisation(port)).to.equal("tsgrpc tests");
    } finally {
      await server.forceShutdown();
    }
  });

  it("is a TypeError on a server with no TLS listener", async () => {
    const server = new Server();
    expect(() => server.setTls({ cert: cert("server.pem"), key: cert("server.key") })).to.throw(
      TypeError,
      /needs a listener started with TLS/,
    );
    const { server: plain } = await startProbe(implementation);
    try {
      expect(() => plain.setTls({ cert: cert("server.pem"), key: cert("server.key") })).to.throw(TypeError);
    } finally {
      await plain.forceShutdown();
    }
  });
});
