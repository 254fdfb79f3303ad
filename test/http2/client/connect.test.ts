import { expect } from "chai";
import * as http2 from "node:http2";
import * as net from "node:net";
import type { TransportOwner } from "../../../src/channel/index.js";
import { createHttp2Connect } from "../../../src/http2/client/connect.js";
import type { Connection } from "../../../src/http2/client/connection.js";
import { Code, type GrpcError } from "../../../src/status/index.js";

const TIMERS = { keepaliveTimeoutMs: 20_000, keepalivePermitWithoutCalls: false, idleTimeoutMs: Infinity };

/** Records what an attempt reports; `outcome` settles on the first report. */
function owner() {
  let report: (value: Connection | GrpcError) => void = () => undefined;
  const outcome = new Promise<Connection | GrpcError>((resolve) => (report = resolve));
  const recorded: TransportOwner<Connection> & { reports: number } = {
    reports: 0,
    keepaliveTimeMs: undefined,
    connected: (connection) => {
      recorded.reports++;
      report(connection);
    },
    connectFailed: (error) => {
      recorded.reports++;
      report(error);
    },
    connectionGone: () => undefined,
    tooManyPings: () => undefined,
  };
  return { recorded, outcome };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

describe("http2/client/connect", () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it("is connected on the server's SETTINGS, with a Connection that knows its stream limit", async () => {
    const server = http2.createServer({ settings: { maxConcurrentStreams: 7 } });
    servers.push(server);
    server.on("session", (session) => server.once("close", () => session.destroy()));
    const port = await listen(server);
    const { recorded, outcome } = owner();
    createHttp2Connect({ tls: undefined, serverName: "127.0.0.1", timers: TIMERS })({ host: "127.0.0.1", port }, recorded);
    const connection = (await outcome) as Connection;
    expect(connection.hasCapacity()).to.equal(true);
    expect(connection.session.remoteSettings.maxConcurrentStreams).to.equal(7);
    connection.close();
    expect(recorded.reports).to.equal(1);
  });

  it("fails UNAVAILABLE when the peer closes during setup", async () => {
    const server = net.createServer((socket) => socket.destroy());
    servers.push(server);
    const port = await listen(server);
    const { recorded, outcome } = owner();
    createHttp2Connect({ tls: undefined, serverName: "127.0.0.1", timers: TIMERS })({ host: "127.0.0.1", port }, recorded);
    const error = (await outcome) as GrpcError;
    expect(error.code).to.equal(Code.Unavailable);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorded.reports).to.equal(1);
  });

  it("reports nothing once cancelled", async () => {
    const server = net.createServer(() => undefined); // accepts, never answers
    servers.push(server);
    const port = await listen(server);
    const { recorded } = owner();
    const attempt = createHttp2Connect({ tls: undefined, serverName: "127.0.0.1", timers: TIMERS })({ host: "127.0.0.1", port }, recorded);
    attempt.cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(recorded.reports).to.equal(0);
  });
});
