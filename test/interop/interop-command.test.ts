// `tsgrpc interop client` and its flags, in-process against interop servers on 127.0.0.1: every
// standard case passes against tsgrpc's server, a broken or hanging server fails the case with the
// reason (and exit code 1), TLS works with the built-in test certificates, and the flags read as
// the reference clients' do. The server command itself runs as a process in drain.test.ts.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli/run-cli.js";
import { ALTS_UNSUPPORTED, booleanFlag, flagValue, integerFlag, stringFlag } from "../../src/interop/interop-flags.js";
import type { Server } from "../../src/index.js";
import {
  CLIENT_FLAGS,
  CLIENT_FLAG_ALIASES,
  SERVER_FLAGS,
  STANDARD_CASES,
  TEST_CA_PEM,
  TEST_SERVER_CERT_PEM,
  TEST_SERVER_KEY_PEM,
  TestService,
  createInteropServer,
  createTestServiceImplementation,
  listenInterop,
  parseAdditionalMetadata,
  parseInteropFlags,
  selectCases,
} from "../../src/interop/index.js";
import { Server as TsgrpcServer } from "../../src/index.js";
import { projectRoot } from "../project-root.js";

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["interop", ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

async function start(server: Server, tls?: true): Promise<number> {
  const { port } = await listenInterop(server, { host: "127.0.0.1", port: 0, tls });
  return port!;
}

describe("tsgrpc interop client (in-process, 127.0.0.1)", function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  after(async () => {
    for (const server of servers) await server.forceShutdown();
  });

  async function serve(server: Server, tls?: true): Promise<string> {
    servers.push(server);
    return String(await start(server, tls));
  }

  it("--test_case=all runs the twenty standard cases against tsgrpc's server: one PASS line each, a summary, exit 0", async () => {
    const port = await serve(createInteropServer());
    const run = await cli("client", "--server_host=127.0.0.1", "--server_port", port, "--test_case=all");
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.slice(0, -1).map((line) => line.split(" ").slice(0, 2).join(" "))).to.deep.equal(
      STANDARD_CASES.map((name) => `PASS ${name}`),
    );
    for (const line of lines.slice(0, -1)) expect(line).to.match(/^PASS [a-z_]+ \d+ ms$/);
    expect(lines.at(-1)).to.equal("20 passed, 0 failed, 0 skipped");
    expect(run.stderr).to.equal("");
  });

  it("runs the cases beyond the descriptions (very_large_request, pick_first_unary, *_noprobe) by name", async () => {
    const port = await serve(createInteropServer({ serverId: "one" }));
    const names = "very_large_request,pick_first_unary,client_compressed_unary_noprobe,client_compressed_streaming_noprobe";
    const run = await cli("client", "--server_host=127.0.0.1", `--server_port=${port}`, `--test_case=${names}`);
    expect(run.code, run.stdout).to.equal(0);
    expect(run.stdout).to.match(/^4 passed, 0 failed, 0 skipped$/m);
  });

  it("--format json: one document with every case, its time, and the counts", async () => {
    const port = await serve(createInteropServer());
    const run = await cli(
      "client",
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      "--test_case=empty_unary,orca_oob",
      "--format=json",
    );
    expect(run.code, run.stdout).to.equal(0);
    const report = JSON.parse(run.stdout);
    expect(report.target).to.equal(`127.0.0.1:${port}`);
    expect(report.cases.map((result: { name: string; status: string }) => `${result.status} ${result.name}`)).to.deep.equal([
      "PASS empty_unary",
      "SKIP orca_oob",
    ]);
    expect(report.cases[0].ms).to.be.a("number");
    expect(report.cases[1].reason).to.match(/OpenRcaService/);
    expect([report.passed, report.failed, report.skipped]).to.deep.equal([1, 0, 1]);
  });

  it("a server that answers wrongly fails the case with the assertion, and the exit code is 1", async () => {
    const broken = new TsgrpcServer().add(TestService, {
      ...createTestServiceImplementation("broken"),
      unaryCall: async () => ({ payload: { body: new Uint8Array(7) } }),
    });
    const port = await serve(broken);
    const run = await cli("client", "--server_host=127.0.0.1", `--server_port=${port}`, "--test_case=large_unary,empty_unary");
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^FAIL large_unary \d+ ms: response payload is 7 bytes, expected 314159$/m);
    expect(run.stdout).to.match(/^PASS empty_unary \d+ ms$/m);
    expect(run.stdout).to.match(/^1 passed, 1 failed, 0 skipped$/m);
  });

  it("a status the case does not expect is the reason: code name, number and message (a server without TestService)", async () => {
    const port = await serve(new TsgrpcServer());
    const run = await cli("client", "--server_host=127.0.0.1", `--server_port=${port}`, "--test_case=empty_unary");
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^FAIL empty_unary \d+ ms: UNIMPLEMENTED \(12\): .+$/m);
  });

  it("a case that does not end within --case_timeout_seconds fails, and the run goes on", async () => {
    const hanging = new TsgrpcServer().add(TestService, {
      ...createTestServiceImplementation("hanging"),
      emptyCall: (_request, context) =>
        new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason))),
    });
    const port = await serve(hanging);
    const run = await cli(
      "client",
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      "--test_case=empty_unary,large_unary",
      "--case_timeout_seconds=1",
    );
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^FAIL empty_unary \d+ ms: did not end within 1000 ms \(--case_timeout_seconds\)$/m);
    expect(run.stdout).to.match(/^PASS large_unary \d+ ms$/m);
  });

  it("TLS with the built-in test certificate and CA (--use_tls --use_test_ca --server_host_override)", async () => {
    const port = await serve(createInteropServer(), true);
    const run = await cli(
      "client",
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      "--test_case=large_unary",
      "--use_tls",
      "--use_test_ca",
      "--server_host_override=foo.test.google.fr",
    );
    expect(run.code, run.stdout).to.equal(0);
    const untrusted = await cli("client", "--server_host=127.0.0.1", `--server_port=${port}`, "--test_case=empty_unary", "--use_tls");
    expect(untrusted.code).to.equal(1);
    expect(untrusted.stdout).to.match(/^FAIL empty_unary \d+ ms: UNAVAILABLE \(14\): client: TLS: /m);
  });

  it("--ca_file trusts that CA; --additional_metadata reaches the server", async () => {
    let seen: string | undefined;
    const echo = new TsgrpcServer().add(TestService, {
      ...createTestServiceImplementation("echo"),
      emptyCall: async (_request, context) => {
        seen = String(context.metadata.get("x-extra"));
        return {};
      },
    });
    const port = await serve(echo, true);
    const run = await cli(
      "client",
      "--server_host=localhost",
      `--server_port=${port}`,
      "--test_case=empty_unary",
      "--tls",
      `--ca_file=${join(projectRoot(), "interop", "certs", "ca.pem")}`,
      "--additional_metadata=x-extra:a:b;x-other:c",
    );
    expect(run.code, run.stdout).to.equal(0);
    expect(seen).to.equal("a:b");
  });

  it("cases other clients run with Google Cloud credentials are SKIP with the reason; only skips exit 3", async () => {
    const run = await cli("client", "--server_port=1", "--test_case=compute_engine_creds");
    expect(run.code).to.equal(3);
    expect(run.stdout).to.equal("SKIP compute_engine_creds: needs a GCE metadata server and OAuth credentials (cloud-to-prod only)\n");
  });

  it("cloud-only flags are accepted and ignored with a notice; ALTS and cloud credentials are a usage error", async () => {
    const port = await serve(createInteropServer());
    const run = await cli(
      "client",
      "--server_host=127.0.0.1",
      `--server_port=${port}`,
      "--test_case=empty_unary",
      "--oauth_scope=x",
      "--default_service_account=a@b",
    );
    expect(run.code).to.equal(0);
    expect(run.stderr).to.match(/^tsgrpc interop client: --default_service_account ignored: /m);
    expect(run.stderr).to.match(/^tsgrpc interop client: --oauth_scope ignored: /m);
    for (const flag of ["--use_alts", "--custom_credentials_type=google_default_credentials"]) {
      const refused = await cli("client", flag);
      expect(refused.code, flag).to.equal(64);
      expect(refused.stderr, flag).to.match(/^tsgrpc interop: --\w+: .*not supported\n$/);
    }
  });

  it("usage mistakes exit 64 with one line: unknown flag, case, role, format, port", async () => {
    const cases: [string[], RegExp][] = [
      [["client", "--bogus"], /unknown flag --bogus \(known: --server_host /],
      [["client", "--test_case=nope"], /unknown test case "nope" \(known: all, empty_unary/],
      [["client", "--format=xml"], /--format must be text or json/],
      [["client", "--server_port=70000"], /--server_port must be a port from 1 to 65535/],
      [["client", "--use_tls=maybe"], /--use_tls must be true or false/],
      [["client", "--server_port"], /--server_port needs a value/],
      [["server", "--port=x"], /--port must be a non-negative integer/],
      [["server", "--tls_key_file=k.pem"], /--tls_cert_file and --tls_key_file go together/],
      [["proxy"], /unknown role "proxy"/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(" ")).to.equal(64);
      expect(run.stderr, args.join(" ")).to.match(message);
      expect(run.stderr.trimEnd().split("\n"), args.join(" ")).to.have.length(1);
    }
  });

  it("--help prints the flags and the cases; bare `tsgrpc interop` prints usage and exits 64", async () => {
    const client = await cli("client", "--help");
    expect(client.code).to.equal(0);
    expect(client.stdout).to.include("--server_host_override=VALUE");
    expect(client.stdout).to.include("very_large_request");
    const server = await cli("server", "--help");
    expect(server.code).to.equal(0);
    expect(server.stdout).to.include("--tls_cert_file=VALUE, --cert");
    const bare = await cli();
    expect(bare.code).to.equal(64);
    expect(bare.stderr).to.match(/^Usage: tsgrpc interop server/);
  });
});

describe("interop flags (the reference clients' syntax)", () => {
  it("reads --name=value, --name value, a bare boolean, one dash, dashes for underscores, and aliases", () => {
    const flags = parseInteropFlags(
      ["--server_host=h", "--server_port", "5", "--use_tls", "-test_case=ping_pong", "--server-host-override", "o", "--tls=false"],
      CLIENT_FLAGS,
      CLIENT_FLAG_ALIASES,
    );
    expect(flags.values.get("server_host")).to.equal("h");
    expect(flags.values.get("server_port")).to.equal("5");
    expect(flags.values.get("test_case")).to.equal("ping_pong");
    expect(flags.values.get("server_host_override")).to.equal("o");
    expect(flags.values.get("use_tls")).to.equal("false");
    expect(flags.values.get("soak_iterations")).to.equal("10");
    expect([...flags.given].sort()).to.deep.equal(["server_host", "server_host_override", "server_port", "test_case", "use_tls"]);
  });

  it("the flag constructors give each kind its default, and the notes that --help and the parser read", () => {
    expect(stringFlag("h")).to.deep.equal({ kind: "string", defaultValue: "", help: "h" });
    expect(stringFlag("h", "d", { ignored: "why" })).to.deep.equal({ kind: "string", defaultValue: "d", help: "h", ignored: "why" });
    expect(integerFlag(271828, "h")).to.deep.equal({ kind: "integer", defaultValue: "271828", help: "h" });
    expect(booleanFlag("h", ALTS_UNSUPPORTED)).to.deep.equal({ kind: "boolean", defaultValue: "false", help: "h", ...ALTS_UNSUPPORTED });
    const flags = parseInteropFlags(["--grace_ms=7"], SERVER_FLAGS);
    expect([flagValue(flags, "grace_ms"), flagValue(flags, "port"), flagValue(flags, "host"), flagValue(flags, "nope")]).to.deep.equal([
      "7",
      "10000",
      "",
      "",
    ]);
    expect(() => parseInteropFlags(["--use_alts"], SERVER_FLAGS)).to.throw(
      RangeError,
      /^interop: --use_alts: ALTS runs only on Google Cloud/,
    );
  });

  it("a boolean takes true/false/1/0 and never the next argument", () => {
    const flags = parseInteropFlags(["--use_tls", "--use_test_ca=1"], CLIENT_FLAGS);
    expect(flags.values.get("use_tls")).to.equal("true");
    expect(flags.values.get("use_test_ca")).to.equal("true");
    expect(() => parseInteropFlags(["stray"], CLIENT_FLAGS)).to.throw(RangeError, /^interop: unexpected argument "stray"/);
  });

  it("--test_case: all is the standard cases; a list is comma-separated", () => {
    expect(selectCases("all")).to.deep.equal([...STANDARD_CASES]);
    expect(selectCases("empty_unary, ping_pong")).to.deep.equal(["empty_unary", "ping_pong"]);
    expect(() => selectCases(",")).to.throw(RangeError, /names no case/);
  });

  it("--additional_metadata: key:value pairs by ';', a value may hold ':', -bin values are bytes", () => {
    const metadata = parseAdditionalMetadata("k:v:w;x-bin:ab");
    expect(metadata.get("k")).to.equal("v:w");
    expect(Buffer.from(metadata.get("x-bin") as Uint8Array).toString()).to.equal("ab");
    expect(() => parseAdditionalMetadata("Bad Key:v")).to.throw(RangeError, /^interop: --additional_metadata: /);
  });
});

describe("interop test certificates", () => {
  it("the built-in ones are interop/certs (ca.pem, server.pem, server.key)", () => {
    const certs = join(projectRoot(), "interop", "certs");
    expect(TEST_CA_PEM).to.equal(readFileSync(join(certs, "ca.pem"), "utf8"));
    expect(TEST_SERVER_CERT_PEM).to.equal(readFileSync(join(certs, "server.pem"), "utf8"));
    expect(TEST_SERVER_KEY_PEM).to.equal(readFileSync(join(certs, "server.key"), "utf8"));
  });
});
