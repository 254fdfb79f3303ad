import { expect } from "chai";
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { ROOT, SRC, folderOf, sourceFiles } from "./source-tree.js";

/**
 * tsgrpc/web runs in browsers, so src/web-client and everything it loads must do without Node:
 * no node:* module, no package (protobufjs included), no Buffer or process. These folders are
 * free of them (descriptor, json and wkt for the opt-in JSON format); web-client may load values
 * only from them, and types from anywhere below it.
 */
const NODE_FREE = ["web-client", "metadata", "status", "deadline", "framing", "protobuf", "descriptor", "json", "wkt"];

/** The modules a file loads at run time: `import type` and `export type` lines are erased by tsc and do not count. */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g))
    if (match[2] === undefined) found.push((match[3] ?? match[4])!);
  return found;
}

describe("architecture: tsgrpc/web is free of Node built-ins", () => {
  for (const folder of NODE_FREE) {
    it(`src/${folder} loads only Node-free folders, no package and no node:* module`, () => {
      for (const file of sourceFiles(join(SRC, folder))) {
        const name = relative(ROOT, file);
        for (const spec of valueImportsOf(file)) {
          expect(spec.startsWith("."), `${name} loads the package ${spec}`).to.equal(true);
          const to = folderOf(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
          expect(NODE_FREE, `${name} loads ${spec} (${to}/ is not known to be free of Node built-ins)`).to.include(to);
        }
      }
    });
  }

  it("bundles for the browser with esbuild and loads where there is no Buffer, process or require", async function () {
    this.timeout(60_000);
    const result = await build({
      entryPoints: [join(ROOT, "dist/src/web-client/index.js")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "tsgrpcWeb",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const folder = folderOf(resolve(ROOT, input.replace(/^dist\//, "").replace(/\.js$/, ".ts")));
      expect(NODE_FREE, `the bundle holds ${input}`).to.include(folder);
    }
    const code = result.outputFiles[0]!.text;
    expect(code).not.to.match(/\brequire\(|\bprocess\.|["']node:/);
    const context: Record<string, unknown> = { TextEncoder, TextDecoder, Headers, AbortController, setTimeout, clearTimeout };
    runInNewContext(code, context);
    const web = context.tsgrpcWeb as typeof import("../../src/web-client/index.js");
    expect(typeof web.createWebClient).to.equal("function");
    expect([...web.bytesFromBase64("AQID/w==")]).to.deep.equal([1, 2, 3, 255]);
    // A Uint8Array of the bundle's own realm, as a page would make one.
    const bytes = runInNewContext("new Uint8Array([0xfb, 0xff])", context) as Uint8Array;
    const metadata = new web.Metadata().set("trace-bin", bytes);
    expect(metadata.toJSON()).to.deep.equal({ "trace-bin": ["+/8"] });
  });
});
