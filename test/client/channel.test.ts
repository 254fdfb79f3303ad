import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as http2 from "node:http2";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Channel, ConnectivityState, createClient } from "../../src/client/index.js";
import { channelCore } from "../../src/client/channel.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { Echo, grpcFrame } from "../e2e/client-fixtures.js";
import { projectRoot } from "../project-root.js";

// From dist/test/client/ or .build/NAME/test/client/ up to the project root.
const CERTS = join(projectRoot(), "interop", "certs");

/** Answers every call with { text: name }. */
function answer(name: string) {
  return (stream: http2.ServerHttp2Stream): void => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(grpcFrame({ text: name }));
  };
}

type AnyServer = http2.Http2Server | http2.Http2SecureServer;
const servers: AnyServer[] = [];
const channels: Channel[] = [];

async function listen(server: AnyServer, where: number | string = 0): Promise<number> {
  servers.push(server);
  server.on("session", (session: http2.ServerHttp2Session) => server.once("close", () => session.destroy()));
  await new Promise<void>((resolve) =>
    typeof where === "string" ? server.listen(where, resolve) : server.listen(where, "127.0.0.1", resolve),
  );
  return typeof where === "string" ? 0 : (server.address() as { port: number }).port;
}

async function plainServer(name: string, where?: number | string): Promise<number> {
  const server = http2.createServer();
  server.on("stream", answer(name));
  return listen(server, where);
}

function channel(target: string, options = {}): Channel {
  const created = new Channel(target, options);
  channels.push(created);
  return created;
}

async function closedPort(): Promise<number> {
  const server = http2.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("client/channel: connection management", () => {
  afterEach(() => {
    for (const created of channels.splice(0)) created.close();
    for (const server of servers.splice(0)) server.close();
  });

  it("connects lazily and goes IDLE -> CONNECTING -> READY, then SHUTDOWN", async () => {
    const port = await plainServer("a");
    const ch = channel(`127.0.0.1:${port}`);
    expect(ch.getState()).to.equal(ConnectivityState.Idle);
    const seen: ConnectivityState[] = [];
    const watching = (async () => {
      for await (const state of ch.watchState()) seen.push(state);
    })();
    expect(await createClient(Echo, ch).echo({})).to.deep.equal({ text: "a" });
    expect(ch.getState()).to.equal(ConnectivityState.Ready);
    ch.close();
    await watching;
    expect(seen).to.deep.equal([ConnectivityState.Idle, ConnectivityState.Connecting, ConnectivityState.Ready, ConnectivityState.Shutdown]);
    const error = await createClient(Echo, ch)
      .echo({})
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
  });

  it("getState(true) and connect() leave IDLE", async () => {
    const port = await plainServer("a");
    const ch = channel(`localhost:${port}`);
    expect(ch.getState(true)).to.equal(ConnectivityState.Connecting);
    await ch.connect(Date.now() + 5000);
    expect(ch.getState()).to.equal(ConnectivityState.Ready);
  });

  it("fails fast in TRANSIENT_FAILURE with a message naming connect", async () => {
    const ch = channel(`127.0.0.1:${await closedPort()}`);
    const error = (await createClient(Echo, ch)
      .echo({})
      .catch((e: unknown) => e)) as GrpcError;
    expect(error.code).to.equal(Code.Unavailable);
    expect(error.statusMessage).to.match(/^connect: ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(ch.getState()).to.equal(ConnectivityState.TransientFailure);
  });

  it("wait-for-ready waits for the server until the deadline", async () => {
    const port = await closedPort();
    const ch = channel(`127.0.0.1:${port}`, { backoff: { initialBackoffMs: 20, maxBackoffMs: 40 } });
    const client = createClient(Echo, ch);
    const expired = (await client.echo({}, { waitForReady: true, timeoutMs: 100 }).catch((e: unknown) => e)) as GrpcError;
    expect(expired.code).to.equal(Code.DeadlineExceeded);
    const pending = client.echo({}, { waitForReady: true, timeoutMs: 5000 });
    setTimeout(() => void plainServer("late", port), 50);
    expect(await pending).to.deep.equal({ text: "late" });
  });

  it("a wait-for-ready call can be cancelled while waiting", async () => {
    const ch = channel(`127.0.0.1:${await closedPort()}`);
    const controller = new AbortController();
    const pending = createClient(Echo, ch).echo({}, { waitForReady: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await pending.catch((e: unknown) => e)).to.have.property("code", Code.Cancelled);
  });

  it("pick_first skips an address that does not connect", async () => {
    const dead = await closedPort();
    const port = await plainServer("second");
    const ch = channel(`ipv4:127.0.0.1:${dead},127.0.0.1:${port}`);
    expect(await createClient(Echo, ch).echo({})).to.deep.equal({ text: "second" });
  });

  it("pick_first sends every call to the first address", async () => {
    const a = await plainServer("a");
    const b = await plainServer("b");
    const client = createClient(Echo, channel(`ipv4:127.0.0.1:${a},127.0.0.1:${b}`));
    const texts = [];
    for (let i = 0; i < 4; i++) texts.push((await client.echo({})).text);
    expect(texts).to.deep.equal(["a", "a", "a", "a"]);
  });

  it("round_robin spreads calls over every address", async () => {
    const a = await plainServer("a");
    const b = await plainServer("b");
    const ch = channel(`ipv4:127.0.0.1:${a},127.0.0.1:${b}`, { loadBalancingPolicy: "round_robin" });
    const client = createClient(Echo, ch);
    // Both subchannels connect in parallel; once both are READY, calls alternate.
    const seen = new Set<string>();
    for (const end = Date.now() + 3000; seen.size < 2 && Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 2)))
      seen.add((await client.echo({})).text);
    expect([...seen].sort()).to.deep.equal(["a", "b"]);
    const texts = [];
    for (let i = 0; i < 4; i++) texts.push((await client.echo({})).text);
    expect(texts.sort()).to.deep.equal(["a", "a", "b", "b"]);
  });

  it("rejects an unknown load balancing policy", () => {
    expect(() => new Channel("x:1", { loadBalancingPolicy: "random" as "pick_first" })).to.throw(TypeError);
  });

  it("resolves dns targets and fails with a DNS message for unknown hosts", async () => {
    const port = await plainServer("dns");
    expect(await createClient(Echo, channel(`dns:localhost:${port}`)).echo({})).to.deep.equal({ text: "dns" });
    const error = (await createClient(Echo, channel("does-not-exist.invalid:1"))
      .echo({})
      .catch((e: unknown) => e)) as GrpcError;
    expect(error.code).to.equal(Code.Unavailable);
    expect(error.statusMessage).to.match(/^DNS: /);
  });

  it("resolves again after every address failed, keeping known addresses' subchannels", async () => {
    const dead = await closedPort();
    const live = await plainServer("moved");
    const answers = [[dead], [dead, live]];
    let lookups = 0;
    const resolver = async () => (answers[Math.min(lookups++, answers.length - 1)] ?? []).map((port) => ({ host: "127.0.0.1", port }));
    const ch = channel("svc.example:1", { resolver, backoff: { initialBackoffMs: 10, maxBackoffMs: 20 } });
    const client = createClient(Echo, ch);
    expect((await client.echo({}).catch((e: unknown) => e)) as GrpcError).to.have.property("code", Code.Unavailable);
    expect(await client.echo({}, { waitForReady: true, timeoutMs: 5000 })).to.deep.equal({ text: "moved" });
    expect(lookups).to.equal(2);
    expect(
      channelCore(ch)
        .balancer.addresses()
        .map((address) => ("port" in address ? address.port : 0)),
    ).to.deep.equal([dead, live]);
  });

  it("a failing custom resolver is UNAVAILABLE", async () => {
    const ch = channel("svc.example:1", {
      resolver: () => {
        throw new GrpcError(Code.Unavailable, "DNS: nope");
      },
    });
    const error = (await createClient(Echo, ch)
      .echo({})
      .catch((e: unknown) => e)) as GrpcError;
    expect([error.code, error.statusMessage]).to.deep.equal([Code.Unavailable, "DNS: nope"]);
    const plain = channel("svc.example:1", { resolver: () => Promise.reject(new Error("registry down")) });
    const wrapped = (await createClient(Echo, plain)
      .echo({})
      .catch((e: unknown) => e)) as GrpcError;
    expect([wrapped.code, wrapped.statusMessage]).to.deep.equal([Code.Unavailable, "resolver: registry down"]);
  });

  it("the idle timeout closes an unused connection and the channel goes IDLE", async () => {
    const port = await plainServer("a");
    const ch = channel(`127.0.0.1:${port}`, { idleTimeoutMs: 50 });
    await createClient(Echo, ch).echo({});
    expect(ch.getState()).to.equal(ConnectivityState.Ready);
    expect(await ch.waitForStateChange(ConnectivityState.Ready)).to.equal(ConnectivityState.Idle);
    expect(await createClient(Echo, ch).echo({})).to.deep.equal({ text: "a" });
  });

  it("connects over a unix socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsgrpc-"));
    try {
      await plainServer("unix", join(dir, "s.sock"));
      expect(await createClient(Echo, channel(`unix:${join(dir, "s.sock")}`)).echo({})).to.deep.equal({ text: "unix" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("TLS", () => {
    const ca = () => readFileSync(join(CERTS, "ca.pem"));
    async function tlsServer(options: http2.SecureServerOptions = {}): Promise<number> {
      const server = http2.createSecureServer({
        cert: readFileSync(join(CERTS, "server.pem")),
        key: readFileSync(join(CERTS, "server.key")),
        ...options,
      });
      let sni = "";
      server.on("secureConnection", (socket: import("node:tls").TLSSocket) => {
        sni = String((socket as unknown as { servername?: string }).servername ?? "");
      });
      server.on("stream", (stream) => {
        const socket = stream.session?.socket as unknown as import("node:tls").TLSSocket;
        const hasCert = Object.keys(socket.getPeerCertificate?.() ?? {}).length > 0;
        answer(`${sni}|${hasCert ? "client-cert" : "anonymous"}|${stream.session?.alpnProtocol}`)(stream);
      });
      return listen(server);
    }

    it("trusts a custom CA", async () => {
      const port = await tlsServer();
      const reply = await createClient(Echo, channel(`localhost:${port}`, { tls: { ca: ca() } })).echo({});
      expect(reply.text).to.equal("localhost|anonymous|h2");
    });

    it("overrides the server name (SNI, certificate check and :authority)", async () => {
      const port = await tlsServer();
      let authority = "";
      const ch = channel(`127.0.0.1:${port}`, { tls: { ca: ca(), serverNameOverride: "foo.test.google.fr" } });
      const reply = await createClient(Echo, ch).echo({}, { onHeaders: () => undefined });
      authority = channelCore(ch).authority;
      expect(reply.text).to.equal("foo.test.google.fr|anonymous|h2");
      expect(authority).to.equal("foo.test.google.fr");
    });

    it("sends a client certificate for mutual TLS", async () => {
      const port = await tlsServer({ requestCert: true, ca: ca(), rejectUnauthorized: false });
      const tls = { ca: ca(), cert: readFileSync(join(CERTS, "server.pem")), key: readFileSync(join(CERTS, "server.key")) };
      const reply = await createClient(Echo, channel(`localhost:${port}`, { tls })).echo({});
      expect(reply.text).to.equal("localhost|client-cert|h2");
    });

    it("fails UNAVAILABLE with a message naming TLS for an untrusted server", async () => {
      const port = await tlsServer();
      const error = (await createClient(Echo, channel(`localhost:${port}`, { tls: true }))
        .echo({})
        .catch((e: unknown) => e)) as GrpcError;
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(/^client: TLS: the server's certificate did not verify: /);
    });
  });
});
