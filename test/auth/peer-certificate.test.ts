// mTLS identity: handlers see the client's verified certificate on ctx.peerCertificate.
import { expect } from "chai";
import { Channel, Code, createClient, createServerContext, GrpcError, type PeerCertificate, type ServerContext } from "../../src/index.js";
import { parseSubjectAltNames } from "../../src/http2/server/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { clientTls, serverTls, startProbe, x509 } from "./tls-fixtures.js";

/** What the handler saw, as JSON can carry it. */
function describe_(certificate: PeerCertificate | undefined): unknown {
  if (certificate === undefined) return null;
  return {
    ...certificate,
    validFrom: certificate.validFrom.toISOString(),
    validTo: certificate.validTo.toISOString(),
    raw: Buffer.from(certificate.raw).toString("base64"),
  };
}

const implementation = {
  async echo(_request: unknown, ctx: ServerContext) {
    const first = ctx.peerCertificate;
    return { certificate: describe_(first), same: first === ctx.peerCertificate };
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the JSON the handler answered, checked field by field
async function callWith(port: number, tls: ReturnType<typeof clientTls> | undefined): Promise<any> {
  const channel = new Channel(`127.0.0.1:${port}`, tls === undefined ? {} : { tls: { ...tls, serverNameOverride: "localhost" } });
  try {
    return await createClient(Probe, channel).echo!({}, { timeoutMs: 10_000 });
  } finally {
    channel.close();
  }
}

describe("auth: the client certificate on ctx (mTLS identity)", () => {
  describe("with requireClientCertificate", () => {
    let started: Awaited<ReturnType<typeof startProbe>>;
    before(async () => {
      started = await startProbe(implementation, serverTls({ requireClientCertificate: true }));
    });
    after(() => started.server.forceShutdown());

    it("gives the handler subject, SANs, issuer, serial, fingerprint, validity and DER", async () => {
      const expected = x509("client");
      const { certificate, same } = await callWith(started.port, clientTls("client"));
      expect(same, "read once per connection, the same object each time").to.equal(true);
      expect(certificate.subject).to.deep.equal({ O: "tsgrpc tests", OU: "billing", CN: "billing-client" });
      expect(certificate.commonName).to.equal("billing-client");
      expect(certificate.subjectAltNames).to.deep.equal({
        dns: ["client.tsgrpc.test"],
        uri: ["spiffe://tsgrpc.test/ns/billing/sa/client"],
        ip: ["127.0.0.1"],
        email: ["client@tsgrpc.test"],
      });
      expect(certificate.issuer).to.deep.equal({ O: "tsgrpc tests", CN: "tsgrpc auth test CA" });
      expect(certificate.serialNumber).to.equal(expected.serialNumber.toUpperCase());
      expect(certificate.fingerprint256).to.equal(expected.fingerprint256);
      expect(certificate.validFrom).to.equal(new Date(expected.validFrom).toISOString());
      expect(certificate.validTo).to.equal(new Date(expected.validTo).toISOString());
      expect(certificate.raw).to.equal(expected.raw.toString("base64"));
    });

    it("refuses a client without a certificate: the call fails UNAVAILABLE, the server carries on", async () => {
      const error = await callWith(started.port, clientTls()).catch((failure: unknown) => failure);
      expect(error).to.be.instanceOf(GrpcError);
      expect((error as GrpcError).code).to.equal(Code.Unavailable);
      expect((await callWith(started.port, clientTls("client"))).certificate.commonName).to.equal("billing-client");
    });

    it("refuses a certificate from another CA", async () => {
      const error = await callWith(started.port, clientTls("rogue-client")).catch((failure: unknown) => failure);
      expect((error as GrpcError).code).to.equal(Code.Unavailable);
    });
  });

  describe("with requestClientCertificate", () => {
    let started: Awaited<ReturnType<typeof startProbe>>;
    before(async () => {
      started = await startProbe(implementation, serverTls({ requestClientCertificate: true }));
    });
    after(() => started.server.forceShutdown());

    it("lets a client without a certificate in, with no identity", async () => {
      expect((await callWith(started.port, clientTls())).certificate).to.equal(null);
    });

    it("lets a certificate that does not verify in, with no identity", async () => {
      expect((await callWith(started.port, clientTls("rogue-client"))).certificate).to.equal(null);
    });

    it("gives a verified certificate", async () => {
      expect((await callWith(started.port, clientTls("client"))).certificate.subjectAltNames.uri).to.deep.equal([
        "spiffe://tsgrpc.test/ns/billing/sa/client",
      ]);
    });
  });

  it("is undefined over TLS when no client certificate is asked for, even if the client has one", async () => {
    const started = await startProbe(implementation, serverTls());
    try {
      expect((await callWith(started.port, clientTls("client"))).certificate).to.equal(null);
    } finally {
      await started.server.forceShutdown();
    }
  });

  it("is undefined over plaintext", async () => {
    const started = await startProbe(implementation);
    try {
      expect((await callWith(started.port, undefined)).certificate).to.equal(null);
    } finally {
      await started.server.forceShutdown();
    }
  });

  it("is what createServerContext is given, for unit tests of handlers", () => {
    expect(createServerContext().peerCertificate).to.equal(undefined);
    const certificate = { commonName: "ada" } as PeerCertificate;
    expect(createServerContext({ peerCertificate: certificate }).peerCertificate).to.equal(certificate);
  });
});

describe("parseSubjectAltNames", () => {
  const none = { dns: [], uri: [], ip: [], email: [] };
  const cases: [string, object][] = [
    ["", none],
    ["DNS:a.example", { ...none, dns: ["a.example"] }],
    [
      "DNS:a.example, DNS:*.b.example, URI:spiffe://td/ns/x, IP Address:10.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example.com",
      {
        dns: ["a.example", "*.b.example"],
        uri: ["spiffe://td/ns/x"],
        ip: ["10.0.0.1", "2001:DB8:0:0:0:0:0:1"],
        email: ["ops@example.com"],
      },
    ],
    // Node quotes a value with a comma as JSON, so it cannot pass for two entries.
    ['DNS:"evil.example, DNS:good.example", DNS:c.example', { ...none, dns: ["evil.example, DNS:good.example", "c.example"] }],
    ['URI:"https://x/\\"q\\"", email:a@b', { ...none, uri: ['https://x/"q"'], email: ["a@b"] }],
    ["othername:1.2.3.4::x, DirName:CN=x, DNS:kept", { ...none, dns: ["kept"] }],
    ["garbage without colon", none],
    ['DNS:"unterminated', { ...none, dns: ["unterminated"] }],
  ];
  for (const [text, expected] of cases)
    it(`parses ${JSON.stringify(text)}`, () => expect(parseSubjectAltNames(text)).to.deep.equal(expected));
});
