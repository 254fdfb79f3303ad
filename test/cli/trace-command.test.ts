// `tsgrpc trace`: one call against a live server, every layer printed; the exit code is the status.
import { expect } from "chai";
import { join } from "node:path";
import { runCli } from "../../src/cli/run-cli.js";
import { Code, GrpcError, Server, loadService } from "../../src/index.js";
import { projectRoot } from "../project-root.js";

const PROTO = join(projectRoot(), "examples/helloworld/greeter.proto");

async function trace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["trace", ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("cli: tsgrpc trace", function () {
  this.timeout(30_000);
  let server: Server;
  let target: string;

  before(async () => {
    const greeter = await loadService(PROTO, "helloworld.Greeter");
    server = new Server({ logger: null, trace: false });
    server.add(greeter, {
      sayHello: (request: { name: string }) => {
        if (request.name === "nobody") throw new GrpcError(Code.NotFound, "server: nobody is here");
        return { message: `Hello ${request.name}` };
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    target = `127.0.0.1:${port}`;
  });

  after(() => server.forceShutdown());

  it("prints the layers of a unary call (headers, both messages decoded, trailers) and exits 0", async () => {
    const result = await trace([target, "helloworld.Greeter/SayHello", "--proto", PROTO, "-d", '{"name":"ada"}', "-H", "x-who: cli"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal("OK\n");
    expect(result.stdout).to.include(":path: /helloworld.Greeter/SayHello");
    expect(result.stdout).to.include("x-who: cli");
    expect(result.stdout).to.include("ada");
    expect(result.stdout).to.include("Hello ada");
    expect(result.stdout).to.match(/grpc-status: 0/);
  });

  it("--format json prints one JSON event per line, the message before the end", async () => {
    const result = await trace([target, "/helloworld.Greeter/SayHello", "--proto", PROTO, "-d", '{"name":"bo"}', "--format", "json"]);
    expect(result.code, result.stderr).to.equal(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { side: string; name: string });
    expect(events.length).to.be.above(4);
    const client = events.filter((event) => event.side === "client").map((event) => event.name);
    expect(client).to.include("end");
    expect(client.indexOf("message-sent")).to.be.below(client.indexOf("end"));
  });

  it("exits with the call's status code and prints CODE: message", async () => {
    const result = await trace([target, "helloworld.Greeter/SayHello", "--proto", PROTO, "-d", '{"name":"nobody"}']);
    expect(result.code).to.equal(Code.NotFound);
    expect(result.stderr).to.equal("NOT_FOUND: server: nobody is here\n");
    expect(result.stdout).to.match(/grpc-status: 5/);
  });

  it("an unreachable target is UNAVAILABLE (14) within the timeout", async () => {
    const result = await trace(["127.0.0.1:1", "helloworld.Greeter/SayHello", "--proto", PROTO, "--timeout", "2000"]);
    expect([Code.Unavailable, Code.DeadlineExceeded]).to.include(result.code);
    expect(result.stderr).to.match(/^(UNAVAILABLE|DEADLINE_EXCEEDED): /);
  });

  it("-d is read with the proto3 JSON mapping: a field the message lacks is exit 65", async () => {
    const result = await trace(["t:1", "helloworld.Greeter/SayHello", "--proto", PROTO, "-d", '{"nam":"ada"}']);
    expect(result.code).to.equal(65);
    expect(result.stderr).to.equal('tsgrpc trace: -d: json: helloworld.HelloRequest: no field named "nam"\n');
  });

  for (const [name, args, message] of [
    ["no method", ["x"], /needs a target and a method/],
    ["a malformed method", ["t:1", "Greeter.SayHello", "--proto", PROTO], /not of the form pkg.Service\/Method/],
    ["no --proto", ["t:1", "helloworld.Greeter/SayHello"], /needs --proto FILE/],
    ["an unknown method", ["t:1", "helloworld.Greeter/Nope", "--proto", PROTO], /has no method Nope \(it has: SayHello\)/],
    ["malformed JSON", ["t:1", "helloworld.Greeter/SayHello", "--proto", PROTO, "-d", "{nope"], /-d is not valid JSON/],
    ["an array for a unary method", ["t:1", "helloworld.Greeter/SayHello", "--proto", PROTO, "-d", "[]"], /must be a JSON object/],
    ["a bad timeout", ["t:1", "x.Y/Z", "--proto", PROTO, "--timeout", "soon"], /--timeout must be a positive number/],
    ["an unknown flag", ["t:1", "x.Y/Z", "--bogus"], /unknown option --bogus/],
  ] as const) {
    it(`${name}: one line on stderr, exit code 64 (usage)`, async () => {
      const result = await trace([...args]);
      expect(result.code).to.equal(64);
      expect(result.stderr).to.match(message);
      expect(result.stderr.trim().split("\n")).to.have.length(1);
    });
  }
});
