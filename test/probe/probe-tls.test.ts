/** The server probe over TLS: --cacert and --authority reach the handshake and :authority. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TestService, createTestServiceImplementation } from "../../src/interop/index.js";
import { Server } from "../../src/index.js";
import { countVerdicts, probeServer } from "../../src/probe/index.js";
import { projectRoot } from "../project-root.js";

describe("probe server: over TLS", function () {
  this.timeout(60_000);
  const certs = join(projectRoot(), "interop", "certs");
  let server: Server;
  let port: number;

  before(async () => {
    server = new Server();
    server.add(TestService, createTestServiceImplementation("probe"));
    const tls = { cert: readFileSync(join(certs, "server.pem"), "utf8"), key: readFileSync(join(certs, "server.key"), "utf8") };
    port = (await server.listen({ host: "127.0.0.1", port: 0 }, tls)).port ?? 0;
  });

  after(async () => {
    await server.forceShutdown();
  });

  it("passes with the test CA and the server name foo.test.google.fr", async () => {
    const report = await probeServer(
      { url: `https://127.0.0.1:${port}`, ca: readFileSync(join(certs, "ca.pem")), authority: "foo.test.google.fr" },
      { only: "path/*,status/code-and-message,connection/ping", waitMs: 10_000 },
    );
    expect(report.results).to.have.length(6);
    expect(countVerdicts(report).FAIL, JSON.stringify(report.results)).to.equal(0);
  });

  it("fails every check, naming the TLS error, when the CA is not trusted", async () => {
    const report = await probeServer({ url: `https://127.0.0.1:${port}` }, { only: "connection/ping", waitMs: 10_000 });
    expect(report.results[0]?.verdict).to.equal("FAIL");
    expect(report.results[0]?.observed).to.match(/certificate/i);
  });
});
