// The auth example (docs/AUTH.md) end to end: a TLS server that asks for client certificates
// and checks every call in an interceptor (a SPIFFE ID from mTLS, or a bearer token), and
// clients that get in, are refused UNAUTHENTICATED, or are refused PERMISSION_DENIED; then a
// certificate rotation. Uses the test-only certificates of test/auth/certs.
//   npm run build:all && node dist/examples/auth/main.js
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Channel,
  Code,
  GrpcError,
  Metadata,
  Server,
  createClient,
  defineService,
  rawCodec,
  type CallCredentials,
  type ServerContext,
  type ServerInterceptor,
} from "../../src/index.js";

function projectRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`auth example: no package.json above ${start}`);
}

const CERTS = join(projectRoot(dirname(fileURLToPath(import.meta.url))), "test", "auth", "certs");
const file = (name: string): string => readFileSync(join(CERTS, name), "utf8");

/** billing.Billing with raw bytes in and out: the example is about who gets in, not messages. */
const Billing = defineService("billing.Billing", {
  charge: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec },
  refund: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec },
});

interface Caller {
  readonly id: string;
  readonly roles: readonly string[];
}

/** The tokens this example's "identity provider" issued. */
const TOKENS: Record<string, Caller> = { "token-of-ada": { id: "user:ada", roles: [] } };
const REQUIRED_ROLE: Record<string, string> = { "/billing.Billing/Refund": "billing-admin" };
const CALLER = new WeakMap<ServerContext, Caller>();

function authenticate(ctx: ServerContext): Caller {
  const certificate = ctx.peerCertificate;
  const spiffeId = certificate?.subjectAltNames.uri.find((uri) => uri.startsWith("spiffe://"));
  if (spiffeId !== undefined) return { id: spiffeId, roles: certificate?.subject.OU === "billing" ? ["billing-admin"] : [] };
  const header = ctx.metadata.get("authorization");
  if (typeof header !== "string") throw new GrpcError(Code.Unauthenticated, "auth: no authorization metadata and no client certificate");
  const match = /^Bearer (\S+)$/i.exec(header);
  const caller = match === null ? undefined : TOKENS[match[1]!];
  if (caller === undefined) throw new GrpcError(Code.Unauthenticated, "auth: the token is invalid or expired");
  return caller;
}

const authorize: ServerInterceptor = async (ctx, next) => {
  const caller = authenticate(ctx);
  const role = REQUIRED_ROLE[ctx.method.path];
  if (role !== undefined && !caller.roles.includes(role))
    throw new GrpcError(Code.PermissionDenied, `auth: ${ctx.method.path} needs the ${role} role`);
  CALLER.set(ctx, caller);
  await next();
};

/** Runs the example; returns what happened, one line per step. */
export async function runAuthExample(): Promise<string[]> {
  const lines: string[] = [];
  const server = new Server({ interceptors: [authorize] });
  const answer = (ctx: ServerContext) => new TextEncoder().encode(`ok for ${CALLER.get(ctx)?.id}`);
  server.add(Billing, { charge: async (_request, ctx) => answer(ctx), refund: async (_request, ctx) => answer(ctx) });
  const { port } = await server.listen(
    { host: "127.0.0.1", port: 0 },
    { cert: file("server.pem"), key: file("server.key"), ca: file("ca.pem"), requestClientCertificate: true },
  );
  const target = `127.0.0.1:${port}`;
  const tls = { ca: file("ca.pem"), serverNameOverride: "localhost" };
  const bearer: CallCredentials = async () => new Metadata().set("authorization", "Bearer token-of-ada");
  const channels = {
    workload: new Channel(target, { tls: { ...tls, cert: file("client.pem"), key: file("client.key") } }),
    user: new Channel(target, { tls, callCredentials: bearer }),
    anonymous: new Channel(target, { tls }),
  };
  const attempt = async (who: keyof typeof channels, method: "charge" | "refund"): Promise<void> => {
    try {
      const response = await createClient(Billing, channels[who])[method](new Uint8Array(), { timeoutMs: 10_000 });
      lines.push(`${who} ${method}: ${new TextDecoder().decode(response)}`);
    } catch (error) {
      if (!(error instanceof GrpcError)) throw error;
      lines.push(`${who} ${method}: ${Code[error.code]} ${error.statusMessage}`);
    }
  };
  try {
    await attempt("workload", "refund");
    await attempt("user", "charge");
    await attempt("user", "refund");
    await attempt("anonymous", "charge");
    server.setTls({ cert: file("server-next.pem"), key: file("server-next.key"), ca: file("ca.pem") });
    lines.push("rotated the server certificate");
    await attempt("workload", "charge");
    await attempt("anonymous", "charge");
  } finally {
    for (const channel of Object.values(channels)) channel.close();
    await server.shutdown({ graceMs: 1_000 });
  }
  return lines;
}

// Run directly: `node dist/examples/auth/main.js`
if (process.argv[1]?.endsWith(join("auth", "main.js"))) for (const line of await runAuthExample()) console.log(line);
