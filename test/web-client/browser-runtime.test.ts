// What a browser app does with tsgrpc/web: code generated with `tsgrpc gen --runtime-import
// tsgrpc/web` bundles for the browser with nothing of Node in it, and the base64 that generated
// code and -bin metadata rely on works where there is no Buffer.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import * as nodeBase64 from "../../src/metadata/base64.js";
import { projectRoot } from "../project-root.js";
import { bundleForBrowser, generateGreeterForWeb } from "./browser-app.js";

const ROOT = projectRoot();

describe("tsgrpc/web in a browser app", function () {
  this.timeout(60_000);

  it("code generated with --runtime-import tsgrpc/web bundles for the browser and runs without Node", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "tsgrpc-web-gen-"));
    try {
      generateGreeterForWeb(scratch);
      expect(readFileSync(join(scratch, "greeter_pb.ts"), "utf8")).to.include('from "tsgrpc/web"');
      writeFileSync(
        join(scratch, "app.ts"),
        [
          'import { createWebClient } from "tsgrpc/web";',
          'import { Greeter, HelloRequest } from "./greeter_pb.js";',
          'const client = createWebClient(Greeter, { baseUrl: "https://api.example", fetch: async () => { throw new Error("offline"); } });',
          "export const methods = Object.keys(client).sort();",
          'export const encoded = Array.from(HelloRequest.encode({ name: "Ada" }));',
        ].join("\n"),
      );
      const result = await bundleForBrowser(join(scratch, "app.ts"));
      const context: Record<string, unknown> = { TextEncoder, TextDecoder };
      runInNewContext(result.outputFiles[0]!.text, context);
      const app = context.app as { methods: string[]; encoded: number[] };
      expect(Array.from(app.methods)).to.include("sayHello");
      expect(Array.from(app.encoded)).to.deep.equal([10, 3, 65, 100, 97]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("metadata base64 without Buffer gives what Buffer gives", async () => {
    const url = `${pathToFileURL(join(ROOT, "dist/src/metadata/base64.js")).href}?without-buffer`;
    const saved = globalThis.Buffer;
    let portable: typeof nodeBase64;
    try {
      // The module reads globalThis.Buffer once, when it loads: load a fresh copy without it.
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      portable = (await import(url)) as typeof nodeBase64;
    } finally {
      globalThis.Buffer = saved;
    }
    for (let length = 0; length < 40; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 97 + length * 31) & 0xff);
      const text = nodeBase64.encodeBase64(bytes);
      expect(portable.encodeBase64(bytes)).to.equal(text);
      expect([...portable.decodeBase64(text)]).to.deep.equal([...bytes]);
      const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
      expect([...portable.decodeBase64(padded)]).to.deep.equal([...bytes]);
    }
    for (const bad of ["A", "AB=C", "A*==", "AAAAA"]) expect(() => portable.decodeBase64(bad)).to.throw(TypeError);
  });
});
