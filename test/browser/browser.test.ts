// tsgrpc/web in a real browser, on a page served by tsgrpc itself: the page script
// (test/browser/page/main.ts) is bundled with esbuild and written with its HTML to a folder that
// the tsgrpc server under test serves with web.http + serveFiles, beside grpc.testing.TestService
// over gRPC-Web and Connect on the same port. Headless Chromium opens it twice: over plaintext
// (HTTP/1.1) and over TLS (HTTP/2 by ALPN; the test certificate is accepted with
// --ignore-certificate-errors). The page calls with tsgrpc/web (gRPC-Web binary and text, Connect)
// and with Connect-ES's web transports; every result is checked here, the server confirms it saw
// each cancel, and each page is saved as a screenshot. Skipped, with a message, where Chromium is
// not installed.
import { expect } from "chai";
import { build, type Plugin } from "esbuild";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { projectRoot } from "../project-root.js";
import { CLIENTS, SCENARIOS, resultKey, type PageReport, type ScenarioName } from "./page/scenarios.js";
import { startPageServer, type PageServer } from "./tsgrpc-page-server.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = projectRoot();
/** Where the run writes the page it serves and the screenshots: under dist/, which git ignores. */
const OUTPUT = join(ROOT, "dist/browser-test");

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

const PAGE_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>running</title><link rel="icon" href="data:,"></head>' +
  '<body>running</body><script type="module" src="/page.js"></script></html>';

/** Writes the page (index.html and the bundled page.js) to a fresh folder and returns it. */
async function writeSite(): Promise<string> {
  const bundle = await build({
    entryPoints: [join(ROOT, "dist/test/browser/page/main.js")],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    plugins: [runtimeForBrowser],
  });
  const site = join(OUTPUT, "site");
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, "index.html"), PAGE_HTML);
  writeFileSync(join(site, "page.js"), bundle.outputFiles[0]!.text);
  return site;
}

/** Opens `origin`/ in a new page, waits for the page to finish, saves a screenshot and returns its report. */
async function runPage(browser: Browser, origin: string, screenshotName: string): Promise<PageReport> {
  const page = await browser.newPage();
  try {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const navigation = await page.goto(`${origin}/`);
    expect(navigation?.status(), `GET ${origin}/`).to.equal(200);
    // Functions run in the page; the project compiles without the DOM library, hence the casts.
    type PageGlobals = { document: { title: string }; testReport: PageReport };
    await page
      .waitForFunction(() => (globalThis as unknown as PageGlobals).document.title === "done", undefined, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`the page at ${origin} did not finish; its errors: ${errors.join("; ") || "none"}`);
      });
    const report = await page.evaluate(() => (globalThis as unknown as PageGlobals).testReport);
    const screenshot = join(OUTPUT, screenshotName);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`    screenshot: ${screenshot}`);
    return report;
  } finally {
    await page.close();
  }
}

describe("in a real browser (headless Chromium), on a page served by tsgrpc: tsgrpc/web and Connect-ES's web client", function () {
  this.timeout(120_000);
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  const reports: Partial<Record<"http" | "https", PageReport>> = {};

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: no Chromium at ${CHROMIUM} (Debian package chromium)`);
      this.skip();
    }
    server = await startPageServer(await writeSite());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The TLS origin's certificate is the test CA's, for foo.test.google.fr: accepted for this run only.
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors"],
    });
    reports.http = await runPage(browser, server.httpOrigin, "page-http.png");
    reports.https = await runPage(browser, server.httpsOrigin, "page-https.png");
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const origin of ["http", "https"] as const)
    describe(`over ${origin === "http" ? "plaintext (HTTP/1.1)" : "TLS (HTTP/2 by ALPN)"}`, () => {
      it(`the page and every call went over ${origin === "http" ? "HTTP/1.1" : "HTTP/2"}`, () => {
        const expected = origin === "http" ? "http/1.1" : "h2";
        expect(reports[origin]?.pageProtocol).to.equal(expected);
        expect(reports[origin]?.callProtocols).to.deep.equal([expected]);
      });
      for (const client of CLIENTS)
        for (const [scenario, expected] of Object.entries(SCENARIOS) as [ScenarioName, string][])
          it(`${client}: ${scenario}`, () => expect(reports[origin]?.results[resultKey(client, scenario)]).to.equal(expected));
    });

  it("the server saw every client's cancel, on both origins", async () => {
    // A cancel reaches the server as RST_STREAM (HTTP/2) or a closed connection (HTTP/1.1), soon after the page saw it.
    const wanted = [...CLIENTS, ...CLIENTS].sort();
    for (let waitedMs = 0; waitedMs < 10_000 && server!.cancelledBy.length < wanted.length; waitedMs += 50) await sleep(50);
    expect([...server!.cancelledBy].sort()).to.deep.equal(wanted);
  });
});
