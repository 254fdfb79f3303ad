// `tsgrpc call`: JSON in, JSON out, all four call kinds against a tsgrpc server, the schema from
// reflection (a v1alpha-only server: the fallback) or --proto; every bad input with its exit code.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "../../src/index.js";
import { clientTls, serverTls } from "../auth/tls-fixtures.js";
import { projectRoot } from "../project-root.js";
import { jsonDocuments, startRouteGuide, tsgrpc, type StartedRouteGuide } from "./cli-fixtures.js";

const PROTO = join(projectRoot(), "examples/route-guide/route_guide.proto");
const CERTS = join(projectRoot(), "test/auth/certs");

describe("cli: tsgrpc call", function () {
  this.timeout(60_000);
  let guide: StartedRouteGuide;
  let dir: string;

  before(async () => {
    guide = await startRouteGuide();
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-call-"));
  });
  after(() => {
    guide.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("unary: the request from -d, the response as JSON, exit 0 (schema through reflection v1alpha)", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", '{"latitude": 1, "longitude": 2}']);
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout)).to.deep.equal([{ name: "One", location: { latitude: 1, longitude: 2 } }]);
  });

  it("unary with no -d sends {} and accepts pkg.Service.Method too", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide.GetFeature"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout)).to.deep.equal([{ location: {} }]);
  });

  it("--emit-defaults prints fields holding their default value", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "--emit-defaults"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout)).to.deep.equal([{ name: "", location: { latitude: 0, longitude: 0 } }]);
  });

  it("server streaming: every response printed", async () => {
    const result = await tsgrpc([
      "call",
      guide.target,
      "routeguide.RouteGuide/ListFeatures",
      "-d",
      '{"lo":{"latitude":3},"hi":{"latitude":5}}',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout).map((feature) => (feature as { name: string }).name)).to.deep.equal(["f3", "f4", "f5"]);
  });

  it("client streaming: requests are JSON values on stdin, one per line or concatenated, in any chunks", async () => {
    const result = await tsgrpc(
      ["call", guide.target, "routeguide.RouteGuide/RecordRoute"],
      ['{"latitude": 1}\n{"lati', 'tude": 2}{"latitude":', " 3}\n"],
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout)).to.deep.equal([{ pointCount: 3, distance: 6 }]);
  });

  it("bidi: the responses print as they arrive; requests may come from -d as several values", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/RouteChat", "-d", '{"message":"a"} {"message":"b"}']);
    expect(result.code, result.stderr).to.equal(0);
    expect(jsonDocuments(result.stdout)).to.deep.equal([{ message: "echo a" }, { message: "echo b" }]);
  });

  it("bidi from stdin: a response arrives before stdin ends", async () => {
    let stdout = "";
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* stdin(): AsyncIterable<string> {
      yield '{"message":"first"}\n';
      await gate;
    }
    const { runCli } = await import("../../src/cli/run-cli.js");
    const done = runCli(["call", guide.target, "routeguide.RouteGuide/RouteChat"], {
      stdout: (text) => {
        stdout += text;
        if (stdout.includes("echo first")) release();
      },
      stderr: () => {},
      stdin: stdin(),
    });
    expect(await done).to.equal(0);
    expect(stdout).to.include("echo first");
  });

  it("-d @FILE and -d @- read the request from a file and from stdin", async () => {
    const file = join(dir, "point.json");
    writeFileSync(file, '{"latitude": 1}\n');
    const fromFile = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", `@${file}`]);
    expect(fromFile.code, fromFile.stderr).to.equal(0);
    expect(jsonDocuments(fromFile.stdout)).to.deep.equal([{ name: "One", location: { latitude: 1 } }]);
    const fromStdin = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", "@-"], ['{"latitude":', " 1}"]);
    expect(fromStdin.code, fromStdin.stderr).to.equal(0);
    expect(jsonDocuments(fromStdin.stdout)).to.deep.equal([{ name: "One", location: { latitude: 1 } }]);
  });

  it("--proto: the schema from .proto files, all four kinds, on a server without reflection", async () => {
    const bare = await startRouteGuide({ reflection: false });
    try {
      const unary = await tsgrpc(["call", bare.target, "routeguide.RouteGuide/GetFeature", "--proto", PROTO, "-d", '{"latitude":1}']);
      expect(unary.code, unary.stderr).to.equal(0);
      expect(jsonDocuments(unary.stdout)).to.deep.equal([{ name: "One", location: { latitude: 1 } }]);
      const stream = await tsgrpc([
        "call",
        bare.target,
        "routeguide.RouteGuide/ListFeatures",
        "--proto",
        PROTO,
        "-d",
        '{"hi":{"latitude":1}}',
      ]);
      expect(jsonDocuments(stream.stdout)).to.have.length(2);
      const client = await tsgrpc(["call", bare.target, "routeguide.RouteGuide/RecordRoute", "--proto", PROTO], ['{"latitude":4}']);
      expect(jsonDocuments(client.stdout)).to.deep.equal([{ pointCount: 1, distance: 4 }]);
      const bidi = await tsgrpc(["call", bare.target, "routeguide.RouteGuide/RouteChat", "--proto", PROTO], ['{"message":"x"}']);
      expect(jsonDocuments(bidi.stdout)).to.deep.equal([{ message: "echo x" }]);
    } finally {
      bare.server.forceShutdown();
    }
  });

  it("-H sends metadata (a -bin key as base64); -v prints response headers and trailers on stderr", async () => {
    const result = await tsgrpc([
      "call",
      guide.target,
      "routeguide.RouteGuide/GetFeature",
      "-H",
      "x-who: cli",
      "-H",
      "x-raw-bin: AAEC",
      "-v",
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(guide.lastMetadata).to.deep.include({ "x-who": ["cli"], "x-raw-bin": ["AAEC"] });
    expect(result.stderr).to.match(/Response headers:\n(.*\n)* {2}x-served-by: route-guide\n/);
    expect(result.stderr).to.match(/Response trailers:\n(.*\n)* {2}x-answered: yes\n/);
    expect(jsonDocuments(result.stdout)).to.have.length(1);
  });

  it("--compression gzip compresses the requests", async () => {
    const result = await tsgrpc([
      "call",
      guide.target,
      "routeguide.RouteGuide/RecordRoute",
      "--compression",
      "gzip",
      "-d",
      '{"latitude":1}',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(guide.lastCompressed).to.equal(true);
  });

  it("a failed call exits with its status code and prints CODE: message and the rich details as JSON", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", '{"latitude": 999999999}']);
    expect(result.code).to.equal(Code.InvalidArgument);
    const [first, ...details] = result.stderr.trim().split("\n");
    expect(first).to.equal("INVALID_ARGUMENT: route guide: point is off the map");
    expect(details.map((line) => JSON.parse(line) as unknown)).to.deep.equal([
      {
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        fieldViolations: [{ field: "point.latitude", description: "beyond a pole" }],
      },
    ]);
  });

  it("--timeout: a call past its deadline exits 4 (DEADLINE_EXCEEDED)", async () => {
    const result = await tsgrpc(["call", guide.target, "routeguide.RouteGuide/GetFeature", "--timeout", "200ms", "-H", "x-delay-ms: 5000"]);
    expect(result.code).to.equal(Code.DeadlineExceeded);
    expect(result.stderr).to.match(/^DEADLINE_EXCEEDED: /);
  });

  it("TLS: --cacert and --authority, and mutual TLS with --cert and --key", async () => {
    const secure = await startRouteGuide({ tls: serverTls({ requireClientCertificate: true }) });
    try {
      const port = secure.target.split(":")[1]!;
      const result = await tsgrpc([
        "call",
        `127.0.0.1:${port}`,
        "routeguide.RouteGuide/GetFeature",
        "--cacert",
        join(CERTS, "ca.pem"),
        "--authority",
        "localhost",
        "--cert",
        join(CERTS, "client.pem"),
        "--key",
        join(CERTS, "client.key"),
        "-d",
        '{"latitude":1}',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      expect(jsonDocuments(result.stdout)).to.deep.equal([{ name: "One", location: { latitude: 1 } }]);
      const noClientCert = await tsgrpc(["call", secure.target, "routeguide.RouteGuide/GetFeature", "--cacert", join(CERTS, "ca.pem")]);
      expect(noClientCert.code).to.not.equal(0);
      expect(clientTls().ca).to.include("BEGIN CERTIFICATE");
    } finally {
      secure.server.forceShutdown();
    }
  });

  describe("bad input: one line on stderr, a distinct exit code, no stack trace", () => {
    const cases: [string, () => string[], number, RegExp, string[]?][] = [
      ["no method", () => ["call", guide.target], 64, /needs a target and a method/],
      ["a malformed method", () => ["call", guide.target, "GetFeature"], 64, /not of the form pkg\.Service\/Method/],
      ["an unknown flag", () => ["call", guide.target, "a.B/C", "--bogus"], 64, /unknown option --bogus/],
      ["a bad --timeout", () => ["call", guide.target, "a.B/C", "--timeout", "soon"], 64, /--timeout must be a positive duration/],
      ["--cert without --key", () => ["call", guide.target, "a.B/C", "--cert", "x.pem"], 64, /--cert and --key go together/],
      ["--authority over plaintext", () => ["call", guide.target, "a.B/C", "--authority", "x"], 64, /--authority needs TLS/],
      [
        "a bad --compression",
        () => ["call", guide.target, "a.B/C", "--compression", "lz4"],
        64,
        /--compression must be gzip, deflate or identity/,
      ],
      [
        "a missing -d file",
        () => ["call", guide.target, "a.B/C", "-d", "@/nonexistent/x.json"],
        66,
        /-d @\/nonexistent\/x\.json: cannot read the file \(ENOENT\)/,
      ],
      [
        "a missing --cacert file",
        () => ["call", guide.target, "a.B/C", "--cacert", "/nonexistent/ca.pem"],
        66,
        /--cacert \/nonexistent\/ca\.pem: cannot read/,
      ],
      [
        "a missing --proto file",
        () => ["call", guide.target, "a.B/C", "--proto", "/nonexistent/x.proto"],
        66,
        /--proto \/nonexistent\/x\.proto: no such file/,
      ],
      [
        "an unknown method (names the service's methods)",
        () => ["call", guide.target, "routeguide.RouteGuide/Nope"],
        67,
        /routeguide\.RouteGuide has no method Nope \(it has: GetFeature, ListFeatures, RecordRoute, RouteChat\)/,
      ],
      [
        "an unknown service",
        () => ["call", guide.target, "routeguide.Nope/X"],
        67,
        /has no service routeguide\.Nope \(services: routeguide\.RouteGuide\)/,
      ],
      [
        "malformed JSON (line and column)",
        () => ["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", '{\n  "latitude": 1,\n  oops\n}'],
        65,
        /-d: malformed JSON at line 3, column 3: expected a string key, got "o"/,
      ],
      [
        "malformed JSON on stdin of a streaming call",
        () => ["call", guide.target, "routeguide.RouteGuide/RecordRoute"],
        65,
        /stdin: malformed JSON at line 2, column 15: expected ',' or "}", got "\]"/,
        ['{"latitude": 1}\n{"latitude": 2]'],
      ],
      [
        "a JSON field the message does not have (names the field and the message)",
        () => ["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", '{"latitud": 1}'],
        65,
        /-d: request 1: json: routeguide\.Point: no field named "latitud"/,
      ],
      [
        "a value of the wrong type",
        () => ["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", '{"latitude": "north"}'],
        65,
        /-d: request 1: json: routeguide\.Point\.latitude: expected an? .*got "north"/,
      ],
      [
        "a wrong-typed request in the middle of a stream",
        () => ["call", guide.target, "routeguide.RouteGuide/RecordRoute"],
        65,
        /stdin: request 2: json: routeguide\.Point\.longitude: /,
        ['{"latitude": 1}\n', '{"longitude": true}\n'],
      ],
      [
        "two requests for a unary method",
        () => ["call", guide.target, "routeguide.RouteGuide/GetFeature", "-d", "{} {}"],
        65,
        /a unary method takes one request, got 2/,
      ],
      [
        "an unreachable target (address and cause)",
        () => ["call", "127.0.0.1:1", "routeguide.RouteGuide/GetFeature"],
        69,
        /cannot reach 127\.0\.0\.1:1: connect: ECONNREFUSED/,
      ],
    ];
    for (const [name, args, code, pattern, stdin] of cases)
      it(`${name}: exit ${code}`, async () => {
        const result = await tsgrpc(args(), stdin);
        expect(result.code, result.stderr).to.equal(code);
        expect(result.stderr).to.match(pattern);
        expect(result.stderr.trim().split("\n"), result.stderr).to.have.length(1);
        expect(result.stderr).not.to.match(/\n\s+at /);
        expect(result.stderr).to.match(/^tsgrpc call: /);
      });

    it("a server without reflection and no --proto: exit 76, suggests --proto", async () => {
      const bare = await startRouteGuide({ reflection: false });
      try {
        const result = await tsgrpc(["call", bare.target, "routeguide.RouteGuide/GetFeature"]);
        expect(result.code).to.equal(76);
        expect(result.stderr).to.equal(
          `tsgrpc call: ${bare.target} has no reflection service (grpc.reflection.v1 and v1alpha are UNIMPLEMENTED): give the schema with --proto FILE\n`,
        );
      } finally {
        bare.server.forceShutdown();
      }
    });
  });
});
