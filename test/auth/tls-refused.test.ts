// A client refused by a server that requires a client certificate fails its calls at once,
// UNAVAILABLE, with a message naming the client, TLS and what the server objected to; with TLS 1.3
// (the refusal comes after the client's handshake is done) and TLS 1.2 (it comes during it), and
// waitForReady calls back off between attempts and show the cause when their deadline expires.
import { expect } from "chai";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Channel, Code, createClient, GrpcError } from "../../src/index.js";
import { clientTlsError } from "../../src/http2/client/tls-error.js";
import { Probe } from "../e2e/server-fixtures.js";
import { cert, clientTls, serverTls, startProbe } from "./tls-fixtures.js";

const NO_CERTIFICATE =
  /^client: TLS: the server requires a client certificate and this channel sent none; set tls\.cert and tls\.key \(alert 116 certificate_required\)$/;
const UNTRUSTED_AFTER =
  /^client: TLS: the server closed the connection right after the TLS handshake, before its HTTP\/2 SETTINGS: a server that requires client certificates does this when it does not trust the one this channel sent/;
const TLS12_NO_CERTIFICATE =
  /^client: TLS: the server refused the handshake; a TLS 1\.2 server that requires a client certificate answers this way, and this channel sent none \(alert 40 handshake_failure\)$/;
const UNTRUSTED_DURING =
  /^client: TLS: the server closed the connection during the TLS handshake: a server that requires client certificates does this when it does not trust the one this channel sent/;

/** Calls Probe.echo on port with the client TLS given; the failure, and how long it took. */
async function refusedCall(port: number, tls: ReturnType<typeof clientTls>, options: { timeoutMs: number; waitForReady?: boolean }) {
  const channel = new Channel(`127.0.0.1:${port}`, { tls: { ...tls, serverNameOverride: "localhost" } });
  const started = performance.now();
  try {
    const failure = await createClient(Probe, channel).echo!({}, options).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure, "the call must fail").to.be.instanceOf(GrpcError);
    return { error: failure as GrpcError, ms: performance.now() - started };
  } finally {
    channel.close();
  }
}

/** A plain node:http2 server with mutual TLS required, capped at TLS 1.2; counts TCP connections. */
async function tls12Server(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const server = http2.createSecureServer({
    cert: cert("server.pem"),
    key: cert("server.key"),
    ca: cert("ca.pem"),
    requestCert: true,
    rejectUnauthorized: true,
    maxVersion: "TLSv1.2",
  });
  let connections = 0;
  server.on("connection", () => connections++);
  server.on("stream", (stream) =>
    stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "0" }, { endStream: true }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("auth: a client the server's mutual TLS refuses", () => {
  // Far longer than the refusal may take: a call that waited for its deadline shows as a failure.
  const LONG = { timeoutMs: 20_000 };

  describe("TLS 1.3 (tsgrpc Server with requireClientCertificate)", () => {
    let started: Awaited<ReturnType<typeof startProbe>>;
    before(async () => {
      started = await startProbe(
        {
          async echo() {
            return {};
          },
        },
        serverTls({ requireClientCertificate: true }),
      );
    });
    after(() => started.server.forceShutdown());

    it("without a certificate: UNAVAILABLE at once, naming the client, TLS and alert certificate_required", async () => {
      const { error, ms } = await refusedCall(started.port, clientTls(), LONG);
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(NO_CERTIFICATE);
      expect(ms).to.be.below(10_000);
    });

    it("with a certificate of another CA: UNAVAILABLE at once, saying the server hung up after the handshake", async () => {
      const { error, ms } = await refusedCall(started.port, clientTls("rogue-client"), LONG);
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(UNTRUSTED_AFTER);
      expect(ms).to.be.below(10_000);
    });

    it("waitForReady: the call waits out its deadline and the deadline's message carries the TLS cause", async () => {
      const { error } = await refusedCall(started.port, clientTls(), { timeoutMs: 1_500, waitForReady: true });
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(error.statusMessage).to.match(
        /^deadline: exceeded while waiting for a connection \(client: TLS: the server requires a client certificate/,
      );
    });

    it("still serves a client with a trusted certificate", async () => {
      const channel = new Channel(`127.0.0.1:${started.port}`, { tls: { ...clientTls("client"), serverNameOverride: "localhost" } });
      try {
        expect(await createClient(Probe, channel).echo!({}, LONG)).to.deep.equal({});
      } finally {
        channel.close();
      }
    });
  });

  describe("TLS 1.2 (node:http2 server with maxVersion TLSv1.2)", () => {
    let server: Awaited<ReturnType<typeof tls12Server>>;
    before(async () => {
      server = await tls12Server();
    });
    after(() => server.close());

    it("without a certificate: UNAVAILABLE at once, alert handshake_failure explained", async () => {
      const { error, ms } = await refusedCall(server.port, clientTls(), LONG);
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(TLS12_NO_CERTIFICATE);
      expect(ms).to.be.below(10_000);
    });

    it("with a certificate of another CA: UNAVAILABLE at once, saying the server hung up during the handshake", async () => {
      const { error, ms } = await refusedCall(server.port, clientTls("rogue-client"), LONG);
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.statusMessage).to.match(UNTRUSTED_DURING);
      expect(ms).to.be.below(10_000);
    });

    it("waitForReady: attempts back off (no reconnect spin) and the cause is in the deadline's message", async () => {
      const before = server.connections();
      const { error } = await refusedCall(server.port, clientTls("rogue-client"), { timeoutMs: 2_500, waitForReady: true });
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(error.statusMessage).to.match(/\(client: TLS: the server closed the connection during the TLS handshake/);
      // Backoff of 1 s, then 1.6 s (±20 %): three attempts at most in 2.5 s, where a spin makes hundreds.
      expect(server.connections() - before).to.be.within(1, 4);
    });
  });

  describe("clientTlsError (what each failure reads as)", () => {
    const attempt = { hasClientCertificate: false, tcpConnected: true, handshakeDone: true };
    const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

    it("names the alert a certificate was refused with", () => {
      const error = clientTlsError(
        { ...attempt, hasClientCertificate: true },
        nodeError("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48"),
      );
      expect(error?.code).to.equal(Code.Unavailable);
      expect(error?.statusMessage).to.equal("client: TLS: the server rejected this channel's client certificate (alert 48 unknown_ca)");
    });

    it("reads OpenSSL 3.5's alert codes (Node 24) as OpenSSL 3.0's", () => {
      const error = clientTlsError(
        attempt,
        nodeError("ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE", "0A000410:SSL routines::ssl/tls alert handshake failure:SSL alert number 40"),
      );
      expect(error?.statusMessage).to.match(TLS12_NO_CERTIFICATE);
    });

    it("says the server's certificate did not verify, with node's reason", () => {
      const error = clientTlsError(attempt, nodeError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"));
      expect(error?.statusMessage).to.equal(
        "client: TLS: the server's certificate did not verify: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
      );
    });

    it("keeps OpenSSL's reason and drops its preamble for other TLS errors", () => {
      const error = clientTlsError(
        attempt,
        nodeError(
          "ERR_SSL_WRONG_VERSION_NUMBER",
          "C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record.c:354:\n",
        ),
      );
      expect(error?.statusMessage).to.equal("client: TLS: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)");
    });

    it("leaves TCP failures to the connect layer, and a hang-up before TCP connected", () => {
      expect(clientTlsError(attempt, nodeError("ECONNREFUSED", "connect ECONNREFUSED"))).to.equal(undefined);
      expect(clientTlsError({ ...attempt, tcpConnected: false, handshakeDone: false }, undefined)).to.equal(undefined);
    });

    it("gives no certificate hint for a hang-up when the channel sent no certificate", () => {
      expect(clientTlsError({ ...attempt, handshakeDone: false }, nodeError("ECONNRESET", "socket hang up"))?.statusMessage).to.equal(
        "client: TLS: the server closed the connection during the TLS handshake (ECONNRESET)",
      );
    });
  });
});
