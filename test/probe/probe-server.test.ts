/**
 * The server probe against tsgrpc's own TestService (zero FAILs, every check ran) and against
 * deliberately broken raw HTTP/2 servers (the FAILs are found, and nothing hangs).
 */
import { expect } from "chai";
import { createServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { TestService, createTestServiceImplementation } from "../../src/interop/index.js";
import { Server } from "../../src/index.js";
import { SERVER_CHECKS, countVerdicts, formatReport, probeServer, type ProbeReport } from "../../src/probe/index.js";

function failures(report: ProbeReport): string {
  return report.results
    .filter((result) => result.verdict === "FAIL")
    .map((result) => `${result.id}: ${result.observed} (${result.note ?? ""})`)
    .join("\n");
}

const closers = new Map<Http2Server, () => void>();

/** A raw HTTP/2 server on 127.0.0.1 whose every stream gets `respond`. */
async function rawServer(respond: (stream: ServerHttp2Stream) => void): Promise<{ server: Http2Server; url: string }> {
  const server = createServer();
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    respond(stream);
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
  });
  closers.set(server, () => {
    for (const session of sessions) session.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeRaw(server: Http2Server): Promise<void> {
  closers.get(server)?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("probe server: against tsgrpc's TestService", function () {
  this.timeout(180_000);
  let server: Server;
  let report: ProbeReport;

  before(async () => {
    server = new Server();
    server.add(TestService, createTestServiceImplementation("probe"));
    const bound = await server.listen({ host: "127.0.0.1", port: 0 });
    report = await probeServer({ url: `http://127.0.0.1:${bound.port}` }, { waitMs: 10_000 });
  });

  after(async () => {
    await server.forceShutdown();
  });

  it("runs every check", () => {
    expect(report.results.map((result) => result.id)).to.deep.equal(SERVER_CHECKS.map((check) => check.id));
  });

  it("has zero FAILs", () => {
    expect(countVerdicts(report).FAIL, failures(report)).to.equal(0);
  });

  it("passes the checks that judge, and every check quotes its source", () => {
    for (const result of report.results) {
      expect(result.source.quote.length, result.id).to.be.greaterThan(10);
      expect(result.source.document, result.id).to.match(/\.md$|^RFC /);
    }
    expect(countVerdicts(report).PASS).to.be.greaterThan(SERVER_CHECKS.length - 5);
  });

  it("check ids are unique and of the form area/what", () => {
    const ids = SERVER_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^[a-z0-9-]+\/[A-Za-z0-9-]+$/);
  });

  it("formats the report in all three formats", () => {
    expect(formatReport(report, "text")).to.match(/0 failed/);
    expect(JSON.parse(formatReport(report, "json")).counts.FAIL).to.equal(0);
    expect(formatReport(report, "markdown")).to.contain("| Verdict | Check | Level | Rule (source) | Observed |");
  });
});

describe("probe server: against broken servers", function () {
  this.timeout(120_000);

  it("finds the FAILs of a server that answers every request with an OK and no message", async () => {
    const { server, url } = await rawServer((stream) => {
      stream.resume();
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "0" }, { endStream: true });
    });
    try {
      const report = await probeServer({ url }, { waitMs: 3000 });
      const verdict = (id: string) => report.results.find((result) => result.id === id)?.verdict;
      for (const id of [
        "content-type/text-plain",
        "method/get",
        "path/unknown-service",
        "path/case-sensitive",
        "timeout/expires-200m",
        "status/message-special-characters",
        "framing/compressed-flag-without-encoding",
        "compression/unknown-encoding",
        "framing/length-prefix-over-limit",
        "cardinality/unary-two-requests",
        "metadata/bin-comma-joined",
        "response/shape",
      ])
        expect(verdict(id), id).to.equal("FAIL");
      expect(verdict("connection/ping")).to.equal("PASS");
    } finally {
      await closeRaw(server);
    }
  });

  it("finds a server that sends grpc-message as raw UTF-8 with a bare %", async () => {
    const { server, url } = await rawServer((stream) => {
      stream.resume();
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "2",
          "grpc-message": Buffer.from("caf\u00e9 100%", "utf8").toString("latin1"),
          "x-grpc-test-echo-trailing-bin": "q80=",
        },
        { endStream: true },
      );
    });
    try {
      const report = await probeServer({ url }, { waitMs: 3000, only: "status/message-*" });
      expect(report.results.map((result) => [result.id, result.verdict])).to.deep.include(["status/message-percent-sign", "FAIL"]);
      expect(report.results.find((result) => result.id === "status/message-percent-sign")?.note).to.match(
        /outside the Percent-Encoded grammar/,
      );
    } finally {
      await closeRaw(server);
    }
  });

  it("never hangs: a server that never answers fails each check within its wait", async () => {
    const { server, url } = await rawServer((stream) => stream.resume());
    try {
      const started = Date.now();
      const report = await probeServer(
        { url },
        { waitMs: 500, only: "framing/length-prefix-over-limit,path/unknown-service,connection/concurrent-calls" },
      );
      expect(report.results).to.have.length(3);
      for (const result of report.results) expect(result.verdict, result.id).to.equal("FAIL");
      expect(Date.now() - started).to.be.lessThan(60_000);
    } finally {
      await closeRaw(server);
    }
  });

  it("reports a refused connection as FAIL, naming the error", async () => {
    const { server, url } = await rawServer(() => {});
    await closeRaw(server);
    const report = await probeServer({ url }, { waitMs: 2000, only: "connection/ping" });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.observed).to.match(/ECONNREFUSED/);
  });
});
