// Fixtures of the auth tests: the test-only certificates of test/auth/certs (made by
// make-certs.sh there) and a Server with test.Probe on TLS.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Server, type ServerTlsOptions, type ServiceImplementation } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { projectRoot } from "../project-root.js";

const CERTS = join(projectRoot(), "test", "auth", "certs");

/** One file of test/auth/certs, as text. */
export function cert(name: string): string {
  return readFileSync(join(CERTS, name), "utf8");
}

/** The parsed certificate of test/auth/certs/<name>.pem. */
export function x509(name: string): X509Certificate {
  return new X509Certificate(cert(`${name}.pem`));
}

/** Server TLS with server.pem, trusting ca.pem for client certificates. */
export function serverTls(extra: Partial<ServerTlsOptions> = {}): ServerTlsOptions {
  return { cert: cert("server.pem"), key: cert("server.key"), ca: cert("ca.pem"), ...extra };
}

/** Client TLS trusting ca.pem, with the named client certificate (or none). */
export function clientTls(client?: string): { ca: string; cert?: string; key?: string } {
  if (client === undefined) return { ca: cert("ca.pem") };
  return { ca: cert("ca.pem"), cert: cert(`${client}.pem`), key: cert(`${client}.key`) };
}

/** Starts a Server with test.Probe on 127.0.0.1:0, with TLS when `tls` is given. */
export async function startProbe(implementation: ServiceImplementation, tls?: ServerTlsOptions): Promise<{ server: Server; port: number }> {
  const server = new Server();
  server.add(Probe, implementation);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 }, tls);
  return { server, port: port! };
}
