// JSON is opt-in for the browser: a page that never imports tsgrpc/web/json bundles none of the JSON
// mapping (src/json, src/descriptor, the well-known types' schemas), and one that does works in
// a context without Node. The minified sizes of both are what docs/BROWSER.md reports.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { bundleForBrowser, generateGreeterForWeb } from "./browser-app.js";

/** A page calling Greeter.sayHello through a fetch that answers nothing but records the body. */
function page(withJson: boolean): string {
  return [
    'import { createWebClient } from "tsgrpc/web";',
    withJson ? 'import { jsonFormat } from "tsgrpc/web/json";' : "",
    'import { Greeter } from "./greeter_pb.js";',
    "export const sent = [];",
    "const client = createWebClient(Greeter, {",
    '  baseUrl: "https://api.example",',
    '  protocol: "connect",',
    withJson ? "  format: jsonFormat()," : "",
    '  fetch: async (url, init) => { sent.push(init.body); throw new Error("offline"); },',
    "});",
    'export const call = () => client.sayHello({ name: "Ada" }).catch((error) => error.code);',
  ].join("\n");
}

interface Bundle {
  bytes: number;
  inputs: string[];
  code: string;
}

describe("tsgrpc/web bundle: JSON only when imported", function () {
  this.timeout(120_000);
  let scratch: string;
  const bundles: Record<"binary" | "json", Bundle> = {} as Record<"binary" | "json", Bundle>;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "tsgrpc-web-size-"));
    generateGreeterForWeb(scratch);
    for (const kind of ["binary", "json"] as const) {
      writeFileSync(join(scratch, `${kind}.js`), page(kind === "json"));
      const result = await bundleForBrowser(join(scratch, `${kind}.js`), { minify: true });
      const code = result.outputFiles[0]!.text;
      // The modules that put code into the output (esbuild parses more and drops what is unused).
      const output = Object.values(result.metafile.outputs)[0]!;
      const inputs = Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([name]) => name);
      bundles[kind] = { bytes: code.length, inputs, code };
    }
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("a page without jsonFormat carries no JSON mapping", () => {
    const json = bundles.binary.inputs.filter((input) => /src\/(json|descriptor|wkt)\//.test(input));
    expect(json, "JSON modules in the binary-only bundle").to.deep.equal([]);
    expect(bundles.binary.inputs.some((input) => input.includes("json-format"))).to.equal(false);
  });

  it("a page with jsonFormat carries it, and is larger by the mapping", () => {
    expect(bundles.json.inputs.some((input) => input.includes("src/json/to-json"))).to.equal(true);
    expect(bundles.json.inputs.some((input) => input.includes("src/descriptor/type-registry"))).to.equal(true);
    expect(bundles.json.bytes).to.be.greaterThan(bundles.binary.bytes + 10_000);
  });

  for (const kind of ["binary", "json"] as const)
    it(`the ${kind} page runs without Node and sends its request in its format`, async () => {
      const context: Record<string, unknown> = { TextEncoder, TextDecoder, Headers, AbortController, setTimeout, clearTimeout };
      runInNewContext(bundles[kind].code, context);
      const app = context.app as { call: () => Promise<unknown>; sent: unknown[] };
      expect(await app.call()).to.equal(14); // UNAVAILABLE: the fake fetch is offline
      const body = app.sent[0] as Uint8Array;
      if (kind === "json") expect(new TextDecoder().decode(body)).to.equal('{"name":"Ada"}');
      else expect(Array.from(body)).to.deep.equal([10, 3, 65, 100, 97]);
    });
});
