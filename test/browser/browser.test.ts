// tsgrpc/web in a real browser: the page script (test/browser/page/main.ts) is bundled with
// esbuild, served by the server under test on 127.0.0.1, and run in headless Chromium, where it
// calls with tsgrpc/web and with Connect-ES's web transports; every result is checked here and the
// page is saved as a screenshot. Skipped, with a message, where Chromium is not installed.
import { expect } from "chai";
import { build, type Plugin } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { projectRoot } from "../project-root.js";
import { startConnectServer, type ConnectTestServer } from "./connect-server.js";
import { CLIENTS, SCENARIOS, resultKey, type ScenarioName } from "./page/scenarios.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = projectRoot();

/**
 * Generated code imports its runtime from one module; for the browser that is tsgrpc/web
 * (`tsgrpc gen --runtime-import tsgrpc/web`). src/interop/gen was generated for Node, so the bundle
 * points its runtime import at tsgrpc/web: the same generated code, on the browser's runtime.
 */
const runtimeForBrowser: Plugin = {
  name: "tsgrpc-web-runtime",
  setup(builder) {
    const nodeRuntime = join(ROOT, "dist/src/index.js");
    builder.onResolve({ filter: /(^|\/)index\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === nodeRuntime ? { path: join(ROOT, "dist/src/web-client/index.js") } : undefined,
    );
  },
};

describe("in a real browser (headless Chromium): tsgrpc/web and Connect-ES's web client", function () {
  this.timeout(90_000);
  let server: ConnectTestServer | undefined;
  let browser: Browser | undefined;
  let results: Record<string, string> = {};

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: no Chromium at ${CHROMIUM} (Debian package chromium)`);
      this.skip();
    }
    const bundle = await build({
      entryPoints: [join(ROOT, "dist/test/browser/page/main.js")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      plugins: [runtimeForBrowser],
    });
    const script = bundle.outputFiles[0]!.text;
    server = await startConnectServer({
      html: '<!doctype html><html><head><meta charset="utf-8"><title>running</title></head><body>running</body><script type="module" src="/page.js"></script></html>',
      script,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.baseUrl}/`);
    // Functions run in the page; the project compiles without the DOM library, hence the casts.
    type PageGlobals = { document: { title: string }; testResults: Record<string, string> };
    await page
      .waitForFunction(() => (globalThis as unknown as PageGlobals).document.title === "done", undefined, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`the page did not finish; its errors: ${errors.join("; ") || "none"}`);
      });
    results = (await page.evaluate(() => (globalThis as unknown as PageGlobals).testResults)) ?? {};
    const screenshot = join(ROOT, "dist/browser-test/page.png");
    mkdirSync(join(ROOT, "dist/browser-test"), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`    screenshot: ${screenshot}`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const client of CLIENTS)
    for (const [scenario, expected] of Object.entries(SCENARIOS) as [ScenarioName, string][])
      it(`${client}: ${scenario}`, () => expect(results[resultKey(client, scenario)]).to.equal(expected));
});
