// @opentelemetry/api is an optional peer dependency: "tsgrpc" must run without it, and only
// "tsgrpc/otel" may load it. Checked in a child process whose module loader refuses the package.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../project-root.js";

const run = promisify(execFile);
const root = projectRoot();

/** A resolve hook that fails every @opentelemetry/* import, and logs what it refused. */
const REFUSE_OTEL_HOOK = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@opentelemetry/")) throw new Error("refused import of " + specifier);
  return next(specifier, context);
}`;

/** Runs `body` as an ES module in a child node whose loader refuses @opentelemetry/*. */
async function withoutOpenTelemetry(body: string): Promise<string> {
  const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(REFUSE_OTEL_HOOK)}`)});`;
  const { stdout } = await run(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "--input-type=module", "-e", body],
    { cwd: root, timeout: 60_000 },
  );
  return stdout.trim();
}

describe("otel: @opentelemetry/api stays optional", () => {
  it("the package lists it as an optional peer dependency, and protobufjs as its only dependency", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).to.deep.equal(["protobufjs"]);
    expect(manifest.peerDependencies).to.have.property("@opentelemetry/api");
    expect(manifest.peerDependenciesMeta["@opentelemetry/api"]).to.deep.equal({ optional: true });
    expect(manifest.exports["./otel"]).to.deep.equal({ types: "./dist/src/otel/index.d.ts", default: "./dist/src/otel/index.js" });
  });

  it('"tsgrpc" loads and serves a call without @opentelemetry/api', async () => {
    const output = await withoutOpenTelemetry(`
      const { Server, Channel, createClient, defineService, rawCodec } = await import("./dist/src/index.js");
      const service = defineService("t.S", { m: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec } });
      const server = new Server();
      server.add(service, { m: async (request) => request });
      const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
      const channel = new Channel("127.0.0.1:" + port);
      const reply = await createClient(service, channel).m(new Uint8Array([7]));
      channel.close();
      await server.forceShutdown();
      console.log("reply " + reply[0]);
    `);
    expect(output).to.equal("reply 7");
  });

  it('the hook works: "tsgrpc/otel" fails to load without @opentelemetry/api', async () => {
    const output = await withoutOpenTelemetry(`
      try { await import("./dist/src/otel/index.js"); console.log("loaded"); }
      catch (error) { console.log(String(error.message).includes("@opentelemetry/api") ? "refused" : error.message); }
    `);
    expect(output).to.equal("refused");
  });
});
